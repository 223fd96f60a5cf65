// The first schema: keys, services, verify tokens, key usage, the audit log, and the triggers that make
// every committed change of a key, service or token known to every daemon (LISTEN keysmith_changes),
// whoever made it (another daemon, psql, a script).
//
// Plain columns, not one jsonb document per record: the list filters and sorts run on indexed columns,
// an operator reads and fixes rows with psql, and the roles to come (migration 002+) can grant per table
// and per column (an auditor never reads `sealed`). Only `environment_labels`, a small free-form map
// nobody filters on, is jsonb. Dates are timestamptz (the daemon writes canonical toISOString()).
//
// Usage (useCount, lastUsedAt, lastUsedIp) lives in `key_usage`, not in `keys`: a verify hit is written
// in batches by whichever daemon served it, and must neither bump the key's version (an edit racing a
// verify would fail with CONFLICT) nor wake every daemon with a change notification per second.
export const initialSchema = `
CREATE TABLE services (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  code text,
  description text,
  endpoint text,
  enabled boolean NOT NULL,
  disabled_reason text,
  scheme text NOT NULL,
  prefix text NOT NULL,
  permissions text[] NOT NULL DEFAULT '{}',
  supports_companies boolean,
  default_validity_days integer,
  built_in boolean NOT NULL,
  environment_labels jsonb,
  version integer NOT NULL DEFAULT 1
);

CREATE TABLE keys (
  id text COLLATE "C" PRIMARY KEY,
  -- The core refuses to delete a service in use (keyCount); the foreign key closes the race of two
  -- daemons (one deletes the service while the other adds a key to it) and guards psql edits too.
  service_id text NOT NULL CONSTRAINT keys_service_fkey REFERENCES services (id),
  environment text NOT NULL CHECK (environment IN ('test', 'production')),
  -- ICU root collation: sorting by name matches the embedded store's String.localeCompare.
  name text COLLATE "und-x-icu" NOT NULL,
  reference text NOT NULL,
  hint text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'inactive', 'revoked')),
  origin text NOT NULL CHECK (origin IN ('generated', 'imported')),
  starts_at timestamptz NOT NULL,
  expires_at timestamptz,
  permissions text[] NOT NULL DEFAULT '{}',
  companies text[] NOT NULL DEFAULT '{}',
  ip_allow_list text[] NOT NULL DEFAULT '{}',
  organization text,
  created_at timestamptz NOT NULL,
  created_by text NOT NULL,
  updated_at timestamptz NOT NULL,
  rotated_from text,
  rotated_to text,
  grace_until timestamptz,
  revoked_at timestamptz,
  secret_hash text NOT NULL,
  sealed text,
  version integer NOT NULL DEFAULT 1
);
-- Verify is a lookup by hash, and two keys never share a secret.
CREATE UNIQUE INDEX keys_secret_hash_key ON keys (secret_hash);
-- The list filters and sorts, each with the id tie-break of the sort.
CREATE INDEX keys_service_idx ON keys (service_id, starts_at, id);
CREATE INDEX keys_environment_idx ON keys (environment, starts_at, id);
CREATE INDEX keys_starts_at_idx ON keys (starts_at, id);
CREATE INDEX keys_created_at_idx ON keys (created_at, id);
CREATE INDEX keys_name_idx ON keys (name, id);
CREATE INDEX keys_created_by_idx ON keys (created_by);

CREATE TABLE key_usage (
  key_id text COLLATE "C" PRIMARY KEY REFERENCES keys (id) ON DELETE CASCADE,
  use_count bigint NOT NULL DEFAULT 0,
  last_used_at timestamptz,
  last_used_ip text
);

CREATE TABLE tokens (
  id text COLLATE "C" PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('verify')),
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  version integer NOT NULL DEFAULT 1
);

-- Append-only: the order of appends is the order of ids; the event's own id is event_id.
CREATE TABLE audit (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  at timestamptz NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  key_id text,
  details jsonb
);
CREATE INDEX audit_key_idx ON audit (key_id, id);

CREATE FUNCTION keysmith_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: events are never updated or deleted';
END $$;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION keysmith_refuse_audit_change();

-- Every write bumps the version, a psql UPDATE included: optimistic concurrency and the change feed's
-- de-duplication both rely on it.
CREATE FUNCTION keysmith_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.version := 1;
  ELSE
    NEW.version := OLD.version + 1;
  END IF;
  RETURN NEW;
END $$;

-- Delivered at COMMIT, only for committed transactions.
CREATE FUNCTION keysmith_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed record;
BEGIN
  IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
  PERFORM pg_notify('keysmith_changes', json_build_object(
    'collection', TG_TABLE_NAME, 'id', changed.id, 'version', changed.version, 'deleted', TG_OP = 'DELETE')::text);
  RETURN NULL;
END $$;

CREATE TRIGGER keys_version BEFORE INSERT OR UPDATE ON keys FOR EACH ROW EXECUTE FUNCTION keysmith_bump_version();
CREATE TRIGGER services_version BEFORE INSERT OR UPDATE ON services FOR EACH ROW EXECUTE FUNCTION keysmith_bump_version();
CREATE TRIGGER tokens_version BEFORE INSERT OR UPDATE ON tokens FOR EACH ROW EXECUTE FUNCTION keysmith_bump_version();
CREATE TRIGGER keys_changes AFTER INSERT OR UPDATE OR DELETE ON keys FOR EACH ROW EXECUTE FUNCTION keysmith_notify_change();
CREATE TRIGGER services_changes AFTER INSERT OR UPDATE OR DELETE ON services FOR EACH ROW EXECUTE FUNCTION keysmith_notify_change();
CREATE TRIGGER tokens_changes AFTER INSERT OR UPDATE OR DELETE ON tokens FOR EACH ROW EXECUTE FUNCTION keysmith_notify_change();
`;
