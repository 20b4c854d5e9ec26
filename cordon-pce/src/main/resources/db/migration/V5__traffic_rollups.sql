-- Roll-ups for Explorer queries over millions of flows (issue 17, docs/design/traffic.md "Roll-ups"). The same SQL
-- runs on H2 (MODE=PostgreSQL) and PostgreSQL.
--
-- traffic_rollup_steps: each roll-up step aggregated the traffic_flows rows with from_id < id <= to_id (every row
-- there was committed when it ran: it holds the table against inserts). Steps are contiguous: a step starts where
-- the newest one ended.
CREATE TABLE traffic_rollup_steps (
    to_id      BIGINT NOT NULL PRIMARY KEY,
    from_id    BIGINT NOT NULL,
    rolled_at  BIGINT NOT NULL,
    flows      BIGINT NOT NULL,
    rollups    BIGINT NOT NULL
);

-- traffic_rollups: per step, per hour of last_seen (bucket, epoch ms of the hour's start), per everything a filter
-- or the flow key reads (the key, both ends' labels, IP lists, managed flag and snapshot), the counters summed and
-- first/last seen widened. A query takes the hours wholly inside its window from here and the rest from
-- traffic_flows; SUM, MIN and MAX of parts equal those of the whole, so the answer is the raw one.
CREATE TABLE traffic_rollups (
    org               INT           NOT NULL,
    day_no            INT           NOT NULL,
    bucket            BIGINT        NOT NULL,
    step_to           BIGINT        NOT NULL,
    flow_direction    VARCHAR(10)   NOT NULL,
    src_ip            VARCHAR(64)   NOT NULL,
    dst_ip            VARCHAR(64)   NOT NULL,
    proto             INT           NOT NULL,
    port              INT,
    icmp_type         INT,
    icmp_code         INT,
    policy_decision   VARCHAR(24)   NOT NULL,
    decision_reason   VARCHAR(64),
    rule_href         VARCHAR(400),
    policy_version    BIGINT,
    state             VARCHAR(16),
    src_workload      VARCHAR(400),
    src_managed       BOOLEAN       NOT NULL,
    src_labels        VARCHAR(4000) NOT NULL,
    src_ip_lists      VARCHAR(4000) NOT NULL,
    src_end           BIGINT,
    dst_workload      VARCHAR(400),
    dst_managed       BOOLEAN       NOT NULL,
    dst_labels        VARCHAR(4000) NOT NULL,
    dst_ip_lists      VARCHAR(4000) NOT NULL,
    dst_end           BIGINT,
    num_connections   BIGINT        NOT NULL,
    first_seen        BIGINT        NOT NULL,
    last_seen         BIGINT        NOT NULL,
    dst_pi            BIGINT        NOT NULL,
    dst_po            BIGINT        NOT NULL,
    dst_bi            BIGINT        NOT NULL,
    dst_bo            BIGINT        NOT NULL,
    summaries         BIGINT        NOT NULL
);
CREATE INDEX traffic_rollups_bucket ON traffic_rollups (org, bucket);
CREATE INDEX traffic_rollups_day ON traffic_rollups (day_no);
CREATE INDEX traffic_rollups_step ON traffic_rollups (step_to);

-- One secondary index on traffic_flows instead of two (each costs a B-tree insert per stored summary): last_seen
-- serves the window of a query (and its partial hours once roll-ups answer the rest), and the retention delete by
-- day, which is a last_seen range (day_no is the UTC day of last_seen). The org prefix went: every query also bounds
-- last_seen, and an installation has one org or a few.
DROP INDEX traffic_flows_day;
DROP INDEX traffic_flows_org_seen;
CREATE INDEX traffic_flows_seen ON traffic_flows (last_seen);
