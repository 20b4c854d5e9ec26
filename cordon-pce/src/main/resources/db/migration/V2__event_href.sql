-- Events are read one by one by the href they report (GET /orgs/{org}/events/{uuid}).
ALTER TABLE events ADD COLUMN href VARCHAR(400);
CREATE INDEX events_href ON events (org, href);
