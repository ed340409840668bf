-- Retention: a closed case kept whole for its years (`second-opinion
-- reduce`, nightly) is then reduced to what statistics need; `reduced_at`
-- says when. Its personal fields are emptied in the same transaction.
ALTER TABLE cases ADD COLUMN reduced_at TEXT;

-- Only a closed case is reduced, and a reduced case stays reduced.
CREATE TRIGGER cases_reduced_only_when_closed
BEFORE UPDATE OF reduced_at ON cases
WHEN NEW.reduced_at IS NOT NULL
     AND NEW.status IN ('received', 'under_review', 'scheduled', 'seen')
BEGIN SELECT RAISE(ABORT, 'an open case is not reduced'); END;
CREATE TRIGGER cases_reduced_stay_reduced
BEFORE UPDATE OF reduced_at ON cases
WHEN OLD.reduced_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a reduced case stays reduced'); END;

-- A signed report stays frozen, except that its texts are erased when its
-- case is reduced (its digest and verification code stay: /verify still
-- says it was issued).
DROP TRIGGER reports_signed_are_frozen;
CREATE TRIGGER reports_signed_are_frozen
BEFORE UPDATE OF case_id, version, text, language, amendment_reason, signed_at, signed_by,
                 signer_name, signer_department, digest, verification_hash ON reports
WHEN OLD.signed_at IS NOT NULL
     AND NOT (
         (SELECT reduced_at FROM cases WHERE id = OLD.case_id) IS NOT NULL
         AND NEW.case_id = OLD.case_id AND NEW.version = OLD.version
         AND NEW.language = OLD.language AND NEW.signed_at = OLD.signed_at
         AND NEW.signed_by IS OLD.signed_by AND NEW.signer_name IS OLD.signer_name
         AND NEW.signer_department IS OLD.signer_department
         AND NEW.digest IS OLD.digest AND NEW.verification_hash IS OLD.verification_hash
         AND NEW.text = '' AND NEW.amendment_reason IS NULL
     )
BEGIN SELECT RAISE(ABORT, 'a signed report is frozen'); END;
