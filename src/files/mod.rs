//! The files a phone reads from the TFTP root, one module per file, each with both its writer
//! (what phoneup renders or edits) and its reader (what the phone model, lint, inventory and
//! the server take from it), and [`mac`], the MAC address the per-phone files are named after.
//!
//! May use: [`crate::knowledge`], [`crate::error`] and [`crate::output::Untrusted`] only.

pub mod loads;
pub mod mac;
pub mod mgc_default_cnf;
pub mod os79xx_txt;
pub mod per_phone;
pub mod sep_default_cnf;
pub mod sip_default_cnf;
pub mod xml_default_cnf_xml;
