-- Paper that finds its case: how each document reached reception counter
-- 1, and whether the test records' CD-R could be read.
ALTER TABLE case_documents ADD COLUMN arrived_by TEXT
    CHECK (arrived_by IN ('counter', 'post', 'fax', 'referring_hospital'));
ALTER TABLE case_documents ADD COLUMN readable INTEGER CHECK (readable IN (0, 1));
