//! `OS79XX.TXT`: one line naming the image a pre-UAL phone should boot, without extension.
//! Rendered here for plans and `apply`; read here for the phone model and `lint`.

pub const FILE_NAME: &str = "OS79XX.TXT";

/// The whole file: the name and one LF. No CR and no trailing space: either makes the phone ask
/// for a file that does not exist (Cisco bug CSCdv19260).
pub fn render(image: &str) -> String {
    format!("{image}\n")
}

/// The line the phone reads: everything before the first LF, taken literally (a CR or a
/// trailing space stays part of the name, as the phone takes it).
pub fn first_line(text: &str) -> &str {
    text.split('\n').next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_no_cr_no_trailing_space() {
        assert_eq!(render("P0S3-06-3-00"), "P0S3-06-3-00\n");
    }

    #[test]
    fn the_first_line_is_taken_literally() {
        assert_eq!(first_line("P0S3-06-3-00\r\nsecond\n"), "P0S3-06-3-00\r");
        assert_eq!(first_line(&render("P003-08-11-00")), "P003-08-11-00");
        assert_eq!(first_line(""), "");
    }
}
