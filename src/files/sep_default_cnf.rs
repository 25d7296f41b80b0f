//! `SEPDefault.cnf`: the shared configuration the old SCCP images look for last, after
//! `SEP<MAC>.cnf.xml`, `XMLDefault.cnf.xml` and `SEP<MAC>.cnf` (FUSSYLOGIC-7940). phoneup neither
//! writes nor reads it: it knows the name, so that the phone model asks for it and lint and
//! inventory count it as a file a phone may ask for.

pub const FILE_NAME: &str = "SEPDefault.cnf";
