-- The planner's statistics of conversations follow the open ones, not the history. With the
-- defaults a table is analysed after a tenth of its rows changed: in a table of a million
-- conversations, days of work. A contact centre that was quiet at the last analysis (every
-- conversation resolved overnight) then had the planner believe none is open, and it counted an
-- agent's load (routing, claims) and found a customer's open conversation (ingest) by reading every
-- open conversation of the workspace through the routing queue's index (measured by the route
-- benchmark: 2,000 open, 1.5 ms a statement instead of 0.1). Analysed after every 2,000 changes
-- instead (at most once per autovacuum round, a minute by default; it samples 30,000 rows).
ALTER TABLE "conversations" SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 2000);
