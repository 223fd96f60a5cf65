// A new key and a concurrent service disable: the key's insert reads its service under a share lock
// (keysmith_service_enabled, called in the insert's own statement), so the disable waits for the
// insert to commit, or the insert sees the disable and stores nothing. A plain SELECT would not do:
// under READ COMMITTED both could commit, leaving a key on a disabled service.
//
// SELECT ... FOR SHARE needs UPDATE rights on the table, which an issuer must not have on services:
// the function runs as the schema's owner and answers only whether the service is enabled.
export const serviceLockSchema = `
CREATE FUNCTION keysmith_service_enabled(wanted text) RETURNS boolean LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
  SELECT coalesce((SELECT enabled FROM services WHERE id = wanted FOR SHARE), false)
$$;
REVOKE ALL ON FUNCTION keysmith_service_enabled(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION keysmith_service_enabled(text) TO keysmith_admin, keysmith_issuer;
`;
