//! `OS79XX.TXT`: one line naming the image a pre-UAL phone should boot, without extension.

pub const FILE_NAME: &str = "OS79XX.TXT";

/// The whole file: the name and one LF. No CR and no trailing space: either makes the phone ask
/// for a file that does not exist (Cisco bug CSCdv19260).
pub fn render(image: &str) -> String {
    format!("{image}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_no_cr_no_trailing_space() {
        assert_eq!(render("P0S3-06-3-00"), "P0S3-06-3-00\n");
    }
}
