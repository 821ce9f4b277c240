"""Wire-format contracts: what each producer's messages look like — fields, types, names and value
spellings — learned from the producers' own sources. The reference CDC's encoders and the sinks'
strict decoders both read them; neither reads the other."""
