// Members are database roles, and PostgreSQL itself enforces what each may do: a member's own login
// (psql included) can do no more than the API lets it. Each member is a LOGIN role in one of five
// NOLOGIN group roles:
//
//   keysmith_owner     everything an admin may, plus making, demoting and removing owners
//   keysmith_admin     services, verify tokens, every key and its sealed secret, members (not owners)
//   keysmith_issuer    reads every key (never a sealed secret, except of its own test keys), creates
//                      keys in its own name and changes or deletes only the keys it created
//   keysmith_auditor   reads keys and the audit log, never a secret; writes nothing
//   keysmith_verifier  reads the key columns verify needs (never `sealed`) and records uses
//
// Group roles are cluster-wide: created here when missing, shared by every Keysmith database of the
// cluster (a member of one is a member of all: use one Keysmith database per cluster, or REVOKE CONNECT).
// The tables stay owned by the migrating role (the database owner or a superuser), which daemons do not
// use for keys; the member functions below run as that role (SECURITY DEFINER) and need CREATEROLE.
//
// Rules use session_user, never current_user: SET ROLE to a group does not change who is asking, and
// inside a SECURITY DEFINER function session_user is still the member who called it.
export const rolesSchema = `
DO $$
DECLARE
  group_role text;
BEGIN
  FOREACH group_role IN ARRAY ARRAY['keysmith_owner', 'keysmith_admin', 'keysmith_issuer', 'keysmith_auditor', 'keysmith_verifier'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = group_role) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', group_role);
    END IF;
  END LOOP;
  -- owner ⊇ admin: an owner inherits every grant made to admins.
  IF NOT pg_has_role('keysmith_owner', 'keysmith_admin', 'MEMBER') THEN
    GRANT keysmith_admin TO keysmith_owner;
  END IF;
END $$;

-- The members of this database (roles are cluster-wide; this table says who joined here, and when).
CREATE TABLE members (
  name text COLLATE "C" PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL DEFAULT session_user
);

-- The member's role in this database: its direct keysmith group; a superuser or the database's owner
-- counts as owner (the one who migrated the schema and adds the first members); NULL for anyone else.
CREATE FUNCTION keysmith_role_of(login text) RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, public AS $$
  SELECT CASE
    WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = login)
      OR login = (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()) THEN 'owner'
    ELSE (SELECT substr(g.rolname, 10)
      FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
      WHERE r.rolname = login AND r.rolcanlogin
        AND g.rolname IN ('keysmith_owner', 'keysmith_admin', 'keysmith_issuer', 'keysmith_auditor', 'keysmith_verifier')
      ORDER BY array_position(ARRAY['keysmith_owner', 'keysmith_admin', 'keysmith_issuer', 'keysmith_auditor', 'keysmith_verifier'], g.rolname::text)
      LIMIT 1)
  END
$$;

-- Whether the asking member may write a key created by created_by: admins and owners any key, an issuer
-- only its own. Used by the row policies and by the store to tell a refused write from a stale one.
CREATE FUNCTION keysmith_may_write_key(created_by text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, 'keysmith_admin', 'MEMBER')
    OR (pg_has_role(session_user, 'keysmith_issuer', 'MEMBER') AND created_by = session_user::text)
$$;

-- Whether the asking member may read a key's sealed secret: admins and owners any; an issuer those of its
-- own test keys (to show them again), never a production secret; auditors and verifiers never.
CREATE FUNCTION keysmith_may_read_sealed(created_by text, environment text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT pg_has_role(session_user, 'keysmith_admin', 'MEMBER')
    OR (pg_has_role(session_user, 'keysmith_issuer', 'MEMBER') AND created_by = session_user::text AND environment = 'test')
$$;

-- Nothing for anyone by default; each role gets what it needs below.
REVOKE ALL ON keys, key_usage, services, tokens, audit, members, keysmith_migrations FROM PUBLIC;
REVOKE ALL ON FUNCTION keysmith_refuse_audit_change(), keysmith_bump_version(), keysmith_notify_change() FROM PUBLIC;

GRANT SELECT ON keysmith_migrations TO keysmith_admin, keysmith_issuer, keysmith_auditor, keysmith_verifier;

GRANT SELECT ON services, tokens TO keysmith_admin, keysmith_issuer, keysmith_auditor, keysmith_verifier;
GRANT INSERT, UPDATE, DELETE ON services, tokens TO keysmith_admin;

-- Keys. Column grants keep \`sealed\` from everyone but admins; rows are all readable, and writable per
-- keysmith_may_write_key (USING: which rows an UPDATE/DELETE may touch; WITH CHECK: what a row may
-- become, so an issuer can neither insert a key in another's name nor hand its own key to another).
GRANT SELECT, INSERT, UPDATE, DELETE ON keys TO keysmith_admin;
GRANT SELECT (id, service_id, environment, name, reference, hint, status, origin, starts_at, expires_at, permissions,
  companies, ip_allow_list, organization, created_at, created_by, updated_at, rotated_from, rotated_to, grace_until,
  revoked_at, secret_hash, version) ON keys TO keysmith_issuer, keysmith_auditor;
GRANT INSERT, UPDATE, DELETE ON keys TO keysmith_issuer;
-- What verify needs (core/keyIndex.ts): no names, no creators, no secrets.
GRANT SELECT (id, service_id, environment, reference, status, starts_at, expires_at, grace_until, permissions, companies,
  ip_allow_list, organization, secret_hash, version) ON keys TO keysmith_verifier;

ALTER TABLE keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE keys FORCE ROW LEVEL SECURITY;
CREATE POLICY keys_read ON keys FOR SELECT USING (true);
-- A new key names its creator: the member inserting it, admins included (createdBy is who did it).
-- Owners alone may name another member (moving keys in from another store keeps their creators); an
-- owner could make that member and log in as them anyway.
CREATE POLICY keys_insert ON keys FOR INSERT WITH CHECK (
  (created_by = session_user::text OR pg_has_role(session_user, 'keysmith_owner', 'MEMBER')) AND keysmith_may_write_key(created_by));
CREATE POLICY keys_update ON keys FOR UPDATE USING (keysmith_may_write_key(created_by)) WITH CHECK (keysmith_may_write_key(created_by));
CREATE POLICY keys_delete ON keys FOR DELETE USING (keysmith_may_write_key(created_by));

-- A member who may not read a sealed secret writes a key back without it (NULL): that must keep the
-- stored copy, not erase it. A sealed secret is therefore never removed by an update.
CREATE FUNCTION keysmith_keep_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sealed IS NULL THEN
    NEW.sealed := OLD.sealed;
  END IF;
  RETURN NEW;
END $$;
REVOKE ALL ON FUNCTION keysmith_keep_sealed() FROM PUBLIC;
CREATE TRIGGER keys_keep_sealed BEFORE UPDATE ON keys FOR EACH ROW EXECUTE FUNCTION keysmith_keep_sealed();

-- What the store reads keys through (owner, admin, issuer, auditor): every column, with \`sealed\` only
-- where keysmith_may_read_sealed allows it (NULL elsewhere). The view runs with its owner's rights,
-- which is how an issuer gets the secret of its own test key and nothing else; its columns are plain
-- columns except that guarded one, so the list filters and sorts keep their indexes.
CREATE VIEW keys_readable AS
  SELECT id, service_id, environment, name, reference, hint, status, origin, starts_at, expires_at, permissions,
    companies, ip_allow_list, organization, created_at, created_by, updated_at, rotated_from, rotated_to, grace_until,
    revoked_at, secret_hash,
    CASE WHEN keysmith_may_read_sealed(created_by, environment) THEN sealed END AS sealed,
    version
  FROM keys;
GRANT SELECT ON keys_readable TO keysmith_admin, keysmith_issuer, keysmith_auditor;

-- Usage: readable with the keys; written by the verify path only through keysmith_record_uses (any
-- daemon serves verify), and inserted with a new key by whoever may create it. An issuer's direct
-- insert is refused for a key it can see and may not write; the key it is inserting in the same
-- statement is not visible yet, and the foreign key still requires it to exist.
GRANT SELECT ON key_usage TO keysmith_admin, keysmith_issuer, keysmith_auditor;
GRANT INSERT ON key_usage TO keysmith_admin, keysmith_issuer;
ALTER TABLE key_usage ENABLE ROW LEVEL SECURITY;
CREATE POLICY key_usage_read ON key_usage FOR SELECT USING (true);
CREATE POLICY key_usage_insert ON key_usage FOR INSERT WITH CHECK (
  pg_has_role(session_user, 'keysmith_admin', 'MEMBER')
  OR NOT EXISTS (SELECT FROM keys WHERE keys.id = key_id AND NOT keysmith_may_write_key(keys.created_by)));

CREATE FUNCTION keysmith_record_uses(key_ids text[], counts bigint[], last_ats timestamptz[], last_ips text[])
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  INSERT INTO key_usage AS usage (key_id, use_count, last_used_at, last_used_ip)
  SELECT u.key_id, u.n, u.at, u.ip
  FROM unnest(key_ids, counts, last_ats, last_ips) AS u(key_id, n, at, ip)
  WHERE u.n > 0 AND EXISTS (SELECT 1 FROM keys WHERE keys.id = u.key_id)
  ON CONFLICT (key_id) DO UPDATE SET
    use_count = usage.use_count + excluded.use_count,
    last_used_at = greatest(usage.last_used_at, excluded.last_used_at),
    last_used_ip = CASE WHEN usage.last_used_at IS NULL OR excluded.last_used_at >= usage.last_used_at
      THEN excluded.last_used_ip ELSE usage.last_used_ip END
$$;
REVOKE ALL ON FUNCTION keysmith_record_uses(text[], bigint[], timestamptz[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keysmith_record_uses(text[], bigint[], timestamptz[], text[])
  TO keysmith_admin, keysmith_issuer, keysmith_auditor, keysmith_verifier;

-- Audit: append-only for every keysmith role (no UPDATE, DELETE or TRUNCATE grant, and 001's trigger
-- refuses both whoever asks). Every member appends its own events only: the actor is its login, or a
-- verify token its daemon served (\`token:<name>\`, as on the embedded store), and \`recorded_by\`, which
-- the database fills in and checks, always names the login that appended the row. A verifier's daemon
-- records refused verifies, so it appends too. Admins, owners and auditors read the whole log; an
-- issuer reads its own events; a verifier reads none.
ALTER TABLE audit ADD COLUMN recorded_by text NOT NULL DEFAULT session_user;
GRANT INSERT ON audit TO keysmith_admin, keysmith_issuer, keysmith_auditor, keysmith_verifier;
GRANT SELECT ON audit TO keysmith_admin, keysmith_issuer, keysmith_auditor;
GRANT USAGE ON SEQUENCE audit_id_seq TO keysmith_admin, keysmith_issuer, keysmith_auditor, keysmith_verifier;
ALTER TABLE audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_append ON audit FOR INSERT WITH CHECK (
  recorded_by = session_user::text AND (actor = session_user::text OR actor LIKE 'token:%'));
CREATE POLICY audit_read ON audit FOR SELECT USING (
  pg_has_role(session_user, 'keysmith_admin', 'MEMBER') OR pg_has_role(session_user, 'keysmith_auditor', 'MEMBER')
  OR recorded_by = session_user::text);

-- Members are managed only through the functions below (admins and owners), which run as the schema's
-- owner. Statement logging (log_statement = all) would still show a call's arguments, bind parameters
-- included: the store sends the password as a bind parameter and only as its SCRAM-SHA-256 verifier
-- (scramVerifier.ts), which CREATE ROLE stores as given, so the clear password never reaches the server.
-- A clear password passed here by hand (psql) is hashed by the server, but may be in its log.
GRANT SELECT ON members TO keysmith_admin;

CREATE FUNCTION keysmith_refuse(reason text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- "keysmith:" marks a refusal the store words as "Your role (...) does not allow <reason>".
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'keysmith: ' || reason;
END $$;

-- Checks the asking member may manage a member moving from one role to another (either may be NULL).
CREATE FUNCTION keysmith_check_member_change(from_role text, to_role text) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public AS $$
DECLARE
  caller text := keysmith_role_of(session_user);
BEGIN
  IF caller IS NULL OR caller NOT IN ('owner', 'admin') THEN
    PERFORM keysmith_refuse('managing members');
  END IF;
  IF (from_role = 'owner' OR to_role = 'owner') AND caller <> 'owner' THEN
    PERFORM keysmith_refuse('making, demoting or removing an owner');
  END IF;
  IF from_role = 'owner' AND to_role IS DISTINCT FROM 'owner' AND (
    SELECT count(*) FROM members WHERE keysmith_role_of(name) = 'owner') <= 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'keysmith: the last owner cannot be demoted or removed; make another member owner first';
  END IF;
END $$;

CREATE FUNCTION keysmith_audit_member(action text, member_name text, member_role text) RETURNS void LANGUAGE sql
SET search_path = pg_catalog, public AS $$
  INSERT INTO audit (event_id, at, actor, action, details)
  VALUES ('evt_' || replace(gen_random_uuid()::text, '-', ''), now(), session_user, action,
    jsonb_build_object('member', member_name, 'role', member_role))
$$;

CREATE FUNCTION keysmith_members() RETURNS TABLE (name text, role text, created_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF keysmith_role_of(session_user) IS NULL OR keysmith_role_of(session_user) NOT IN ('owner', 'admin') THEN
    PERFORM keysmith_refuse('listing members');
  END IF;
  RETURN QUERY SELECT m.name, keysmith_role_of(m.name), m.created_at FROM members m ORDER BY m.name;
END $$;

-- Any member: who it is here (the daemon's identity).
CREATE FUNCTION keysmith_current_member() RETURNS TABLE (name text, role text, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  SELECT session_user::text, keysmith_role_of(session_user),
    coalesce((SELECT m.created_at FROM members m WHERE m.name = session_user::text),
      (SELECT min(applied_at) FROM keysmith_migrations))
$$;

CREATE FUNCTION keysmith_add_member(member_name text, member_role text, member_password text)
RETURNS TABLE (name text, role text, created_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF member_role IS NULL OR member_role NOT IN ('owner', 'admin', 'issuer', 'auditor', 'verifier') THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'keysmith: the role must be owner, admin, issuer, auditor or verifier';
  END IF;
  PERFORM keysmith_check_member_change(NULL, member_role);
  -- Lower-case letters, digits, _ . - (a login people type); never a reserved or keysmith_ prefix.
  IF member_name IS NULL OR member_name !~ '^[a-z][a-z0-9_.-]{0,62}$' OR member_name ~ '^(pg_|keysmith_)' THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
      MESSAGE = 'keysmith: a member name is 1 to 63 lower-case letters, digits, _ . or -, starting with a letter (not pg_ or keysmith_)';
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = member_name) THEN
    -- An existing role is never adopted: it may be a superuser, or someone else's login.
    RAISE EXCEPTION USING ERRCODE = 'duplicate_object', MESSAGE = 'keysmith: a database role named ' || member_name || ' already exists';
  END IF;
  IF member_password IS NULL THEN
    EXECUTE format('CREATE ROLE %I LOGIN', member_name);
  ELSE
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', member_name, member_password);
  END IF;
  EXECUTE format('GRANT %I TO %I', 'keysmith_' || member_role, member_name);
  INSERT INTO members (name) VALUES (member_name);
  PERFORM keysmith_audit_member('member.added', member_name, member_role);
  RETURN QUERY SELECT m.name, member_role, m.created_at FROM members m WHERE m.name = member_name;
END $$;

CREATE FUNCTION keysmith_set_member_role(member_name text, member_role text)
RETURNS TABLE (name text, role text, created_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  old_role text;
BEGIN
  IF member_role IS NULL OR member_role NOT IN ('owner', 'admin', 'issuer', 'auditor', 'verifier') THEN
    RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value', MESSAGE = 'keysmith: the role must be owner, admin, issuer, auditor or verifier';
  END IF;
  IF NOT EXISTS (SELECT FROM members m WHERE m.name = member_name) THEN
    PERFORM keysmith_check_member_change(NULL, NULL);
    RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = 'keysmith: no member is named ' || coalesce(member_name, '');
  END IF;
  old_role := keysmith_role_of(member_name);
  PERFORM keysmith_check_member_change(old_role, member_role);
  IF old_role IS DISTINCT FROM member_role THEN
    IF old_role IS NOT NULL THEN
      EXECUTE format('REVOKE %I FROM %I', 'keysmith_' || old_role, member_name);
    END IF;
    EXECUTE format('GRANT %I TO %I', 'keysmith_' || member_role, member_name);
    PERFORM keysmith_audit_member('member.role_changed', member_name, member_role);
  END IF;
  RETURN QUERY SELECT m.name, member_role, m.created_at FROM members m WHERE m.name = member_name;
END $$;

CREATE FUNCTION keysmith_remove_member(member_name text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  old_role text;
BEGIN
  IF NOT EXISTS (SELECT FROM members m WHERE m.name = member_name) THEN
    PERFORM keysmith_check_member_change(NULL, NULL);
    RETURN false;
  END IF;
  old_role := keysmith_role_of(member_name);
  PERFORM keysmith_check_member_change(old_role, NULL);
  DELETE FROM members m WHERE m.name = member_name;
  -- The role owns nothing (members cannot create objects), so it can be dropped; the keys it created
  -- keep its name in created_by.
  EXECUTE format('DROP ROLE %I', member_name);
  PERFORM keysmith_audit_member('member.removed', member_name, old_role);
  RETURN true;
END $$;

REVOKE ALL ON FUNCTION keysmith_refuse(text), keysmith_check_member_change(text, text), keysmith_audit_member(text, text, text),
  keysmith_members(), keysmith_add_member(text, text, text), keysmith_set_member_role(text, text),
  keysmith_remove_member(text), keysmith_current_member() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keysmith_members(), keysmith_add_member(text, text, text), keysmith_set_member_role(text, text),
  keysmith_remove_member(text) TO keysmith_admin;
GRANT EXECUTE ON FUNCTION keysmith_current_member() TO keysmith_admin, keysmith_issuer, keysmith_auditor, keysmith_verifier;
`;
