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

/// The line ending a file mostly uses: CR LF if any line ends with it, else LF.
pub fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Sets `image_version` to `load` in an existing SIP configuration file, changing only the value:
/// the key, spacing, quotes, `;` inline comment and line ending of that line, and every other
/// byte of the file, stay as they were. `#` comment lines are left alone. Without an
/// `image_version` line, one is appended in the file's own line ending.
pub fn set_image_version(text: &str, load: &str) -> String {
    let mut out = String::with_capacity(text.len() + load.len() + 16);
    let mut found = false;
    for line in text.split_inclusive('\n') {
        match replace_value(line, load) {
            Some(edited) => {
                out.push_str(&edited);
                found = true;
            }
            None => out.push_str(line),
        }
    }
    if !found {
        let ending = line_ending(text);
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(ending);
        }
        out.push_str(&image_version_line(load));
        out.push_str(ending);
    }
    out
}

/// The line with its `image_version` value replaced, or `None` if it is not such a line.
fn replace_value(line: &str, load: &str) -> Option<String> {
    let body_end = line.trim_end_matches(['\r', '\n']).len();
    let body = &line[..body_end];
    if body.trim_start().starts_with('#') {
        return None;
    }
    let code_end = body.find(';').unwrap_or(body.len());
    let code = &body[..code_end];
    let colon = code.find(':')?;
    if code[..colon].trim() != IMAGE_VERSION_KEY {
        return None;
    }
    let after_colon = &code[colon + 1..];
    let value_start = colon + 1 + (after_colon.len() - after_colon.trim_start().len());
    let value_end = code.trim_end().len().max(value_start);
    let value = &code[value_start..value_end];
    // Keep straight or curly quotes around the value.
    let quotes = [('"', '"'), ('\u{201c}', '\u{201d}')];
    let (open, close) = quotes
        .iter()
        .find(|(o, c)| value.starts_with(*o) && value.ends_with(*c) && value.len() > 1)
        .map(|(o, c)| (o.len_utf8(), c.len_utf8()))
        .unwrap_or((0, 0));
    let (start, end) = (value_start + open, value_end - close);
    Some(format!("{}{load}{}", &line[..start], &line[end..]))
}

/// The `image_version` value of a SIP configuration file: `#` comment lines and `;` inline
/// comments ignored, straight or curly quotes removed; the last occurrence wins.
pub fn image_version(text: &str) -> Option<String> {
    let mut value = None;
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with('#') {
            continue;
        }
        let line = line.split(';').next().unwrap_or_default();
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        if key.trim() != IMAGE_VERSION_KEY {
            continue;
        }
        let v = rest
            .trim()
            .trim_matches(|c| matches!(c, '"' | '\u{201c}' | '\u{201d}'))
            .trim();
        if !v.is_empty() {
            value = Some(v.to_string());
        }
    }
    value
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    #[test]
    fn only_the_value_changes() {
        let text = "# Proxy server\r\nproxy1_address: 10.0.0.1\r\nimage_version: P0S3-06-3-00 ; old one\r\nnat_enable: 1 ; NAT\r\n";
        let edited = set_image_version(text, "P003-08-11-00");
        assert_eq!(
            edited,
            "# Proxy server\r\nproxy1_address: 10.0.0.1\r\nimage_version: P003-08-11-00 ; old one\r\nnat_enable: 1 ; NAT\r\n"
        );
    }

    #[test]
    fn quotes_and_spacing_are_kept() {
        assert_eq!(
            set_image_version("image_version : \"P0S3-8-12-00\"\n", "P0S3-08-11-00"),
            "image_version : \"P0S3-08-11-00\"\n"
        );
        assert_eq!(
            set_image_version(
                "image_version: \u{201c}P0S3-07-4-00\u{201d}\n",
                "P0S3-08-2-00"
            ),
            "image_version: \u{201c}P0S3-08-2-00\u{201d}\n"
        );
    }

    #[test]
    fn comment_lines_are_left_alone_and_a_missing_key_is_appended() {
        let text = "# image_version: P0S3-06-3-00\nproxy_register: 1";
        assert_eq!(
            set_image_version(text, "P0S3-06-3-00"),
            "# image_version: P0S3-06-3-00\nproxy_register: 1\nimage_version: P0S3-06-3-00\n"
        );
        assert_eq!(set_image_version("", "X"), "image_version: X\n");
        assert_eq!(
            set_image_version("a: 1\r\n", "X"),
            "a: 1\r\nimage_version: X\r\n"
        );
    }

    #[test]
    fn an_empty_value_is_filled() {
        assert_eq!(
            set_image_version("image_version:\n", "X"),
            "image_version:X\n"
        );
        assert_eq!(
            set_image_version("image_version: \"\"\n", "X"),
            "image_version: \"X\"\n"
        );
    }

    #[test]
    fn setting_the_same_value_changes_nothing() {
        let text = ";begin\nimage_version: P0S3-08-2-00\nproxy_register: 1\n;end\n";
        assert_eq!(set_image_version(text, "P0S3-08-2-00"), text);
    }
}

#[cfg(test)]
mod read_tests {
    use super::*;

    #[test]
    fn image_version_reads_the_forms_seen_in_the_field() {
        assert_eq!(
            image_version("image_version: P0S3-06-3-00\n").as_deref(),
            Some("P0S3-06-3-00")
        );
        assert_eq!(
            image_version("image_version: \"P0S3-8-12-00\"").as_deref(),
            Some("P0S3-8-12-00")
        );
        assert_eq!(
            image_version("image_version : \"P00308010200\" ; SCCP").as_deref(),
            Some("P00308010200")
        );
        assert_eq!(image_version("# image_version: P0S3-06-3-00\n"), None);
        assert_eq!(
            image_version(";begin\nimage_version: P0S3-08-2-00\nproxy_register: 1\n").as_deref(),
            Some("P0S3-08-2-00")
        );
        assert_eq!(
            image_version("image_version: \u{201c}P0S3-07-4-00\u{201d}").as_deref(),
            Some("P0S3-07-4-00")
        );
    }
}
