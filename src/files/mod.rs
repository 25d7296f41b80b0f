//! The text files a phone reads from the TFTP root, one module per file.

pub mod os79xx_txt;
pub mod sip_default_cnf;
pub mod xml_default_cnf_xml;
