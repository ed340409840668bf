#!/bin/bash
# For docs/benchmarks.md (Retention): a database with N closed requests whose
# last step was six years ago (each with ~1.4 KB of answers, two notes, a
# call, three messages, a payment and a signed report), and N open ones:
# what `reduce` meets the first night at a hospital that ran the service for
# years. DIR is emptied first.
#
#   scripts/seed-retention.sh target/release/second-opinion /tmp/reduce-bench 20000
#   time DATABASE_URL=sqlite:///tmp/reduce-bench/so.db target/release/second-opinion reduce
set -euo pipefail
bin=$1; dir=$2; n=${3:-20000}
rm -rf "$dir"; mkdir -p "$dir"
db="$dir/so.db"
DATABASE_URL="sqlite://$db" "$bin" user list >/dev/null 2>&1 || true   # creates and migrates
answers=$(python3 -c "import json;print(json.dumps({'x':'Hanako Yamada '*100}))")
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM k WHERE i < 2*$n)
INSERT INTO cases (id, reference, submission_id, status, verdict, contact_first, received_at, receipt_day,
  earliest_day, latest_day, language, patient_name, patient_date_of_birth, area, answers, updated_at)
SELECT i, printf('R%07d', i), 'sub-' || i, CASE WHEN i <= $n THEN 'reported' ELSE 'received' END, 'eligible', 0,
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-6 years'), '2020-12-01', '2020-12-10', '2020-12-20', 'ja',
  'Hanako Yamada', '1970-04-01', 'cancer', '$answers', strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-6 years') FROM k;
INSERT INTO case_notes (case_id, at, author, text) SELECT id, received_at, 'sato', 'A note about the patient, her family and her hopes' FROM cases;
INSERT INTO case_notes (case_id, at, author, text) SELECT id, received_at, 'sato', 'Another note' FROM cases;
INSERT INTO calls (case_id, at, outcome, note, caller) SELECT id, received_at, 'reached', 'spoke with her daughter', 'sato' FROM cases;
INSERT INTO messages (case_id, kind, recipient, language, subject, text_body, html_body, message_id, created_at, due_at, next_attempt_at, status)
SELECT c.id, 'received', 'hanako@example.jp', 'ja', 'Second opinion', substr('$answers', 1, 1200), substr('$answers', 1, 1800), 'm' || c.id || '-' || k.j, c.received_at, c.received_at, c.received_at, 'sent'
FROM cases c, (SELECT 1 AS j UNION ALL SELECT 2 UNION ALL SELECT 3) k;
INSERT INTO appointments (id, case_id, day, start_time, booked_by, booked_at) SELECT id, id, '2020-12-15', '10:00', 'sato', received_at FROM cases WHERE id <= $n;
INSERT INTO payments (appointment_id, case_id, receipt_year, receipt_number, amount_yen, method, payer, taken_by, taken_at)
SELECT id, id, 2020, id, 33000, 'cash', 'Hanako Yamada', 'sato', received_at FROM cases WHERE id <= $n;
INSERT INTO reports (case_id, version, text, language, written_by, updated_at, signed_at, signed_by, digest, verification_hash)
SELECT id, 1, '$answers', 'ja', 'ito', received_at, received_at, 'ito', 'd' || id, 'v' || id FROM cases WHERE id <= $n;
COMMIT;
SQL
ls -la "$db"
