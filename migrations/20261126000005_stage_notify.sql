-- Every change to the deployed stages wakes the gateway on every node: the gateway listens
-- on `gatehouse_stages` and reloads its snapshot (with a periodic full reload as a safety
-- net for missed notifications). Statement-level: one notification per statement is enough,
-- and PostgreSQL coalesces identical notifications within a transaction anyway.
-- Deleting a REST API cascades to its stages; PostgreSQL runs the cascade as a DELETE on
-- api_stages, which fires this trigger too, so rest_apis needs none of its own.
CREATE FUNCTION gatehouse_notify_stages() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gatehouse_stages', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER api_stages_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_stages
    FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_notify_stages();
