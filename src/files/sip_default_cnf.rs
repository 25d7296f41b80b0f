//! `SIPDefault.cnf`: the SIP images' shared configuration. phoneup owns one line of it,
//! `image_version`; every other line belongs to the user.

pub const FILE_NAME: &str = "SIPDefault.cnf";

/// The key phoneup manages.
pub const IMAGE_VERSION_KEY: &str = "image_version";

/// The `image_version` line naming `load`.
pub fn image_version_line(load: &str) -> String {
    format!("{IMAGE_VERSION_KEY}: {load}")
}

/// A minimal file holding only the line phoneup owns. Existing files are edited, not replaced.
pub fn render(load: &str) -> String {
    format!("{}\n", image_version_line(load))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_image_version_line() {
        assert_eq!(render("P0S3-08-11-00"), "image_version: P0S3-08-11-00\n");
    }
}
