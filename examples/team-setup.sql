-- fup team mode: one PostgreSQL database for a team, set up once by whoever runs the server.
--
--   psql -v ON_ERROR_STOP=1 -U postgres -f examples/team-setup.sql
--
-- Roles: `sales_owner` owns fup's tables and is used only to create or upgrade them;
-- `sales_team` holds the rights to use them; each teammate logs in as a role of their own
-- (`ana`, `ben`), a member of sales_team and not of sales_owner. fup knows who you are by
-- that role (`current_user`): your contacts are the ones you own.
-- Change the passwords (or use the authentication your server already has).

CREATE ROLE sales_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE sales_team NOLOGIN;
CREATE ROLE ana LOGIN PASSWORD 'change-me-ana' IN ROLE sales_team;
CREATE ROLE ben LOGIN PASSWORD 'change-me-ben' IN ROLE sales_team;

CREATE DATABASE sales OWNER sales_owner;
\connect sales

-- The team may use what sales_owner creates: fup's tables and their id sequences, now and
-- after every upgrade (default privileges apply to objects created later).
GRANT CONNECT ON DATABASE sales TO sales_team;
GRANT USAGE ON SCHEMA public TO sales_team;
ALTER DEFAULT PRIVILEGES FOR ROLE sales_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sales_team;
ALTER DEFAULT PRIVILEGES FOR ROLE sales_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO sales_team;

-- Then, once, create fup's schema as its owner (any command that writes does it):
--   fup --db postgresql://sales_owner@HOST/sales reschedule
-- and each teammate points fup at the database as themselves:
--   export FUP_DB=postgresql://ana@HOST/sales
