-- The service looks at each start for the one audit line saying the
-- authenticator secrets were sealed; without an index that is a scan of
-- the whole audit trail (60 ms at a million lines, growing). A partial
-- index holds that one line and costs other audit writes nothing.
CREATE INDEX audit_factors_sealed ON audit (action) WHERE action = 'factors_sealed';
