-- Stored and virtual generated columns next to the columns they are computed from.
CREATE TABLE computed (id INT PRIMARY KEY, price DECIMAL(10,2), qty INT,
                       total DECIMAL(12,2) AS (price * qty) STORED,
                       label VARCHAR(40) AS (CONCAT('item-', id)) VIRTUAL);
INSERT INTO computed (id, price, qty) VALUES (1, 2.50, 4), (2, 10.00, 1), (3, NULL, 2);
UPDATE computed SET qty = qty + 1 WHERE id < 3;
DELETE FROM computed WHERE id = 2;
