-- Cordon PCE schema: the same migration runs on H2 (MODE=PostgreSQL) and on PostgreSQL.
-- Every object is stored as its API JSON in `objects`, keyed by (org, kind, href), with the few
-- columns the API filters on copied out and indexed. Provisioned policy versions are immutable
-- snapshots: one row per version holding the whole policy document.

CREATE TABLE orgs (
    id          INT          NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    created_at  VARCHAR(40)  NOT NULL
);

CREATE TABLE counters (
    org         INT          NOT NULL,
    name        VARCHAR(60)  NOT NULL,
    next_value  BIGINT       NOT NULL,
    PRIMARY KEY (org, name)
);

CREATE TABLE objects (
    org          INT           NOT NULL,
    kind         VARCHAR(40)   NOT NULL,
    href         VARCHAR(400)  NOT NULL,
    name         VARCHAR(1000),
    hostname     VARCHAR(1000),
    label_key    VARCHAR(400),
    label_value  VARCHAR(1000),
    ext_set      VARCHAR(1000),
    ext_ref      VARCHAR(1000),
    lookup       VARCHAR(400),
    body         VARCHAR       NOT NULL,
    PRIMARY KEY (org, kind, href)
);
CREATE INDEX objects_name ON objects (org, kind, name);
CREATE INDEX objects_label ON objects (org, kind, label_key, label_value);
CREATE INDEX objects_ext ON objects (org, kind, ext_set, ext_ref);
CREATE INDEX objects_lookup ON objects (kind, lookup);

CREATE TABLE policy_versions (
    org                 INT          NOT NULL,
    version             BIGINT       NOT NULL,
    description         VARCHAR,
    created_at          VARCHAR(40)  NOT NULL,
    created_by          VARCHAR(400) NOT NULL,
    workloads_affected  INT          NOT NULL,
    object_counts       VARCHAR      NOT NULL,
    document            VARCHAR      NOT NULL,
    PRIMARY KEY (org, version)
);

CREATE TABLE events (
    org         INT           NOT NULL,
    seq         BIGINT        NOT NULL,
    event_type  VARCHAR(100)  NOT NULL,
    severity    VARCHAR(20)   NOT NULL,
    ts          VARCHAR(40)   NOT NULL,
    body        VARCHAR       NOT NULL,
    PRIMARY KEY (org, seq)
);
CREATE INDEX events_type ON events (org, event_type);
CREATE INDEX events_ts ON events (org, ts);
