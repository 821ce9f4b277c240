-- Rows that rely on column defaults and AUTO_INCREMENT, including explicit ids past the counter.
CREATE TABLE counted (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'unnamed',
                      created DATE DEFAULT '2024-01-01', flag TINYINT(1) DEFAULT 1, note VARCHAR(20) DEFAULT NULL,
                      score DECIMAL(5,2) NOT NULL DEFAULT 0.00);
INSERT INTO counted (name) VALUES ('first'), ('second');
INSERT INTO counted () VALUES ();
INSERT INTO counted (id, name) VALUES (100, 'jumped');
INSERT INTO counted (name, score) VALUES ('after the jump', 12.5);
UPDATE counted SET note = 'set' WHERE id > 2;
UPDATE counted SET name = DEFAULT WHERE id = 1;
