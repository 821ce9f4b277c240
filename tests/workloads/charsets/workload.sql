-- Text beyond the Basic Multilingual Plane, combining characters, and latin1 columns next to utf8mb4 ones.
SET NAMES utf8mb4;
CREATE TABLE texts (id INT PRIMARY KEY,
                    u VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
                    l VARCHAR(64) CHARACTER SET latin1,
                    t TEXT CHARACTER SET utf8mb4);
INSERT INTO texts VALUES (1, '😀 emoji 𝄞 clef', 'café déjà vu', '🚀🚀🚀'),
                         (2, 'e\u0301 combining', 'ÿ þ ß', 'こんにちは世界'),
                         (3, '', '', ''),
                         (4, 'quotes '' " \\ backslash', 'tab\tnewline\n', 'zero\0byte');
UPDATE texts SET u = CONCAT(u, ' 👍'), l = UPPER(l) WHERE id < 3;
