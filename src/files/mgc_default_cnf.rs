//! `MGCDefault.cnf`: the MGCP images' shared configuration, the last file of the loader's hunt
//! (FUSSYLOGIC-7940). phoneup owns one line of it, `image_version` (FRGTECH moved an MGCP 7940 to SCCP
//! with it); the syntax is `SIPDefault.cnf`'s, so the writer and the reader are that file's.

use crate::files::sip_default_cnf;

pub const FILE_NAME: &str = "MGCDefault.cnf";

/// A minimal file holding only the line phoneup owns. Existing files are edited, not replaced.
pub fn render(load: &str) -> String {
    sip_default_cnf::render(load)
}

/// Sets `image_version` to `load`, changing only its value (see
/// [`sip_default_cnf::set_image_version`]).
pub fn set_image_version(text: &str, load: &str) -> String {
    sip_default_cnf::set_image_version(text, load)
}

/// The `image_version` value (see [`sip_default_cnf::image_version`]).
pub fn image_version(text: &str) -> Option<String> {
    sip_default_cnf::image_version(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generic_mgcp_file_names_its_image_and_keeps_its_comments() {
        let text =
            "# Generic MGCP Default Config File Options\n#\n#\nimage_version: P0M3-07-7-00\n";
        assert_eq!(image_version(text).as_deref(), Some("P0M3-07-7-00"));
        let edited = set_image_version(text, "P0030801SR02");
        assert_eq!(
            edited,
            "# Generic MGCP Default Config File Options\n#\n#\nimage_version: P0030801SR02\n"
        );
        assert_eq!(
            image_version(&render("P0030801SR02")).as_deref(),
            Some("P0030801SR02")
        );
    }
}
