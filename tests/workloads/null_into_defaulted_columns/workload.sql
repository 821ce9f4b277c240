-- NULL written into nullable columns that have a DEFAULT: the NULL must arrive as NULL, not as the
-- column's default (Kafka's JsonConverter writes the default unless replace.null.with.default=false;
-- Confluent's AvroConverter 7.0.16 always does).
CREATE TABLE defaulted (id INT PRIMARY KEY, at DATETIME NULL DEFAULT '1970-01-01 00:00:00',
                        stamp TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP, n INT NULL DEFAULT 0,
                        s VARCHAR(10) NULL DEFAULT '', d DATE NULL DEFAULT '2024-01-01');
INSERT INTO defaulted (id) VALUES (1);
INSERT INTO defaulted VALUES (2, NULL, NULL, NULL, NULL, NULL);
UPDATE defaulted SET at = NULL, stamp = NULL, n = NULL, s = NULL, d = NULL WHERE id = 1;
INSERT INTO defaulted VALUES (3, '2024-05-05 05:05:05', '2024-05-05 05:05:05', 5, 'five', '2024-05-05');
UPDATE defaulted SET n = NULL WHERE id = 3;
