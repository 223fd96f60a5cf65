// keysmith_service_enabled (migration 003) again, in PL/pgSQL, with the same body, rights and lock.
// A SQL-language function that cannot be inlined (SECURITY DEFINER) is parsed and planned again on
// every statement that calls it; PL/pgSQL keeps its query's plan for the session. The key insert
// calls it once per create, and that parse and plan was a third of the database's CPU per create
// (about 0.42 → 0.28 ms per insert statement, measured on PostgreSQL 15).
export const serviceCheckPlanSchema = `
CREATE OR REPLACE FUNCTION keysmith_service_enabled(wanted text) RETURNS boolean LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
  RETURN coalesce((SELECT enabled FROM services WHERE id = wanted FOR SHARE), false);
END
$$;
`;
