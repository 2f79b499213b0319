-- Where an alert rule comes from (docs/alerts.md, "Rules in the project"): 'api' for rules made with
-- PUT /v1/alerts/{name}; for rules declared under alerts: in the active deployment's project, 'project'
-- and the file and line of the declaration.
ALTER TABLE alert_rules ADD COLUMN origin text NOT NULL DEFAULT 'api';
ALTER TABLE alert_rules ADD COLUMN declared_at text;
