//! Helpers shared by the integration tests, in both test targets (`phoneup` and `system`), so
//! each uses a part of them.
#![allow(dead_code)]

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use phoneup::files::loads::stand_in as stand_in_loads;
use phoneup::files::xml_default_cnf_xml;
use phoneup::plan::replay::STAND_IN_IMAGE;
use phoneup::Model;

/// The folder this run of the tests keeps its files in: `phoneup-tests-PID` under the system
/// temp dir. The first call removes the folders of earlier runs whose process is gone, so a run
/// leaves at most its own behind (a test that fails keeps its files there to be looked at).
pub fn temp_base() -> std::path::PathBuf {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    let temp = std::env::temp_dir();
    SWEPT.call_once(|| {
        for entry in std::fs::read_dir(&temp).into_iter().flatten().flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("phoneup-tests-")) else {
                continue;
            };
            let gone =
                pid.parse::<u32>().is_ok() && !std::path::Path::new("/proc").join(pid).exists();
            if gone && entry.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    });
    let base = temp.join(format!("phoneup-tests-{}", std::process::id()));
    std::fs::create_dir_all(&base).expect("the tests' folder under the temp dir can be made");
    base
}

/// The state folder the tests' phoneup keeps its undo journals in: never the real user's.
pub fn state_home() -> std::path::PathBuf {
    temp_base().join("state")
}

/// The phoneup binary, with colour and the user's environment kept out of the way (its state
/// goes to [`state_home`], not to the user's `~/.local/state`).
pub fn phoneup() -> Command {
    let mut command = Command::cargo_bin("phoneup").expect("the binary builds");
    command
        .env("NO_COLOR", "1")
        .env_remove("TERM")
        .env("XDG_STATE_HOME", state_home());
    command
}

/// Runs phoneup and returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let mut command = phoneup();
    command.args(args);
    run_command(&mut command)
}

/// Runs a phoneup `command` set up by the caller and returns (exit code, stdout, stderr).
pub fn run_command(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("phoneup runs");
    (
        output
            .status
            .code()
            .expect("phoneup exits, not killed by a signal"),
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    )
}

/// A fresh directory under the system temp dir holding `files`.
pub fn fixture(tag: &str, files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let dir = temp_base().join(tag);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    dir
}

/// `COMMAND --from P0030301MFG2 --to P0S3-08-11-00 EXTRA...`: the design card's route.
pub fn card<'a>(command: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![command, "--from", "P0030301MFG2", "--to", "P0S3-08-11-00"];
    args.extend_from_slice(extra);
    args
}

/// Stand-ins for the firmware the card's plan needs: SIP 6.3's `.bin`, the 8.11 loader's `.bin`
/// and `.sbn`, and the 8.11 `.loads` set.
pub fn firmware_for_the_card() -> Vec<(&'static str, Vec<u8>)> {
    use phoneup::plan::replay::STAND_IN_IMAGE;
    vec![
        ("P0S3-06-3-00.bin", STAND_IN_IMAGE.to_vec()),
        ("P003-08-11-00.sbn", STAND_IN_IMAGE.to_vec()),
        ("P003-08-11-00.bin", STAND_IN_IMAGE.to_vec()),
        ("P0S3-08-11-00.sb2", STAND_IN_IMAGE.to_vec()),
        (
            "P0S3-08-11-00.loads",
            phoneup::files::loads::stand_in("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00")
                .into_bytes(),
        ),
    ]
}

/// The hostile-input report's `SIPDefault.cnf`: CR LF, an inline comment and a line password.
pub const REPORT_SIPDEFAULT: &str =
    "proxy1_address: \"10.0.0.1\"\r\nimage_version: OLD ; c\r\nline1_password: \"secret\"\r\n";
/// The hostile-input report's `XMLDefault.cnf.xml`.
pub const REPORT_XMLDEFAULT: &str = "<Default>\n  <callManagerGroup/>\n  <loadInformation8 model=\"IP Phone 7940\">OLD</loadInformation8>\n</Default>\n";

/// The hostile-input report's `mkroot`: a plausible TFTP root with the (empty, stand-in)
/// firmware the card's plan needs, a `SIPDefault.cnf` and an `XMLDefault.cnf.xml`.
pub fn report_root(tag: &str) -> std::path::PathBuf {
    fixture(
        tag,
        &[
            ("P0S3-06-3-00.bin", b""),
            ("P003-08-11-00.sbn", b""),
            ("P0S3-08-11-00.sb2", b""),
            (
                "P0S3-08-11-00.loads",
                b"P003-08-11-00.sbn\nP0S3-08-11-00.sb2\n",
            ),
            ("SIPDefault.cnf", REPORT_SIPDEFAULT.as_bytes()),
            ("XMLDefault.cnf.xml", REPORT_XMLDEFAULT.as_bytes()),
        ],
    )
}

/// The report's `$A --stage N --tftp-root DIR`: `apply --from P0030301MFG2 --to P0S3-08-11-00
/// --force --stage N --tftp-root DIR`, then `extra`.
pub fn report_apply(dir: &std::path::Path, stage: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = card("apply", &["--force", "--stage", stage, "--tftp-root"])
        .into_iter()
        .map(str::to_string)
        .collect();
    args.push(dir.to_str().unwrap().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// [`run`] with owned arguments.
pub fn run_owned(args: &[String]) -> (i32, String, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

/// What an entry of a directory tree is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    File(Vec<u8>),
    Link(std::path::PathBuf),
    Folder,
    Other,
}

/// Every entry below `dir` (links not followed), by path relative to `dir`.
pub fn tree(dir: &std::path::Path) -> std::collections::BTreeMap<String, Node> {
    fn walk(
        base: &std::path::Path,
        dir: &std::path::Path,
        out: &mut std::collections::BTreeMap<String, Node>,
    ) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let metadata = std::fs::symlink_metadata(&path).unwrap();
            let node = if metadata.file_type().is_symlink() {
                Node::Link(std::fs::read_link(&path).unwrap())
            } else if metadata.is_dir() {
                walk(base, &path, out);
                Node::Folder
            } else if metadata.is_file() {
                Node::File(std::fs::read(&path).unwrap())
            } else {
                Node::Other
            };
            out.insert(name, node);
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Where the tests' phoneup keeps the undo journal of `root`.
pub fn journal_of(root: &std::path::Path) -> std::path::PathBuf {
    let canonical = std::fs::canonicalize(root).unwrap();
    state_home()
        .join("phoneup/journal")
        .join(phoneup::tftp_root::state::key(&canonical))
}

/// A phoneup process started in the background, killed if it is still running when dropped.
pub struct Background(Option<std::process::Child>);

impl Background {
    /// Starts `phoneup ARGS` with the tests' environment.
    pub fn start(args: &[String]) -> Background {
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("phoneup"))
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("TERM")
            .env("XDG_STATE_HOME", state_home())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("phoneup starts");
        Background(Some(child))
    }

    /// Waits at most `limit` for the process; a process still running then is killed and the
    /// test fails (a hang). Returns its exit code (`None` when a signal ended it) and output.
    pub fn wait(mut self, limit: std::time::Duration) -> (Option<i32>, String, String) {
        let mut child = self.0.take().unwrap();
        let started = std::time::Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!("phoneup did not finish within {limit:?}: it hangs");
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let output = child.wait_with_output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// Sends SIGKILL now (`kill -9`), and reaps the process.
    pub fn kill(mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether the tests run as root (some reproductions need to give files to another user).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// The MAC the tests give a phone of their own when one is needed.
pub const MAC: &str = "0018B9FFFFFF";

/// Runs phoneup with `args`, which ask for JSON, and returns the exit code and the JSON printed.
pub fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let (code, stdout, stderr) = run(args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, value)
}

/// Runs `phoneup ARGS --format json` and returns the exit code, the JSON printed and stderr.
pub fn run_json(args: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    let (code, stdout, stderr) = run(&args);
    (
        code,
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}")),
        stderr,
    )
}

/// `phoneup plan --from FROM --to TO --format json EXTRA...`: the exit code and the plan.
pub fn plan_json(from: &str, to: &str, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["plan", "--from", from, "--to", to, "--format", "json"];
    args.extend(extra);
    json(&args)
}

/// A JSON array of strings, as strings.
pub fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// The card's firmware and SIP 6.3's `.sbn`, stand-ins all.
fn firmware() -> Vec<(&'static str, Vec<u8>)> {
    let mut files = firmware_for_the_card();
    files.push((
        "P0S3-06-3-00.sbn",
        phoneup::plan::replay::STAND_IN_IMAGE.to_vec(),
    ));
    files
}

/// An `XMLDefault.cnf.xml` that names `load` for both models.
pub fn xml_naming(load: &str) -> Vec<u8> {
    phoneup::files::xml_default_cnf_xml::render(load, phoneup::Model::Both).into_bytes()
}

/// A root of [`firmware`] with `files` added (`None` removes a file).
pub fn firmware_root(tag: &str, files: &[(&str, Option<&[u8]>)]) -> std::path::PathBuf {
    let mut all = firmware();
    for (name, bytes) in files {
        all.retain(|(n, _)| n != name);
        if let Some(bytes) = bytes {
            all.push((name, bytes.to_vec()));
        }
    }
    let borrowed: Vec<(&str, &[u8])> = all.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    fixture(tag, &borrowed)
}

/// `phoneup lint DIR --format json`: the exit code and the findings.
pub fn lint_findings(dir: &std::path::Path) -> (i32, Vec<serde_json::Value>) {
    let (code, value) = json(&["lint", dir.to_str().unwrap(), "--format", "json"]);
    (code, value["findings"].as_array().unwrap().clone())
}

/// The findings of one `kind`.
pub fn with_kind<'a>(findings: &'a [serde_json::Value], kind: &str) -> Vec<&'a serde_json::Value> {
    findings.iter().filter(|f| f["kind"] == kind).collect()
}

/// `ARGS --tftp-root DIR`.
pub fn root_args<'a>(args: &[&'a str], dir: &'a std::path::Path) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(["--tftp-root", dir.to_str().unwrap()]);
    all
}

/// `phoneup undo --tftp-root DIR`.
pub fn undo(dir: &Path) -> (i32, String, String) {
    run(&["undo", "--tftp-root", dir.to_str().unwrap()])
}

/// Runs `undo` until there is nothing left to undo (at most `most` times).
pub fn undo_all(dir: &Path, most: usize) {
    for _ in 0..most {
        let (code, stdout, stderr) = undo(dir);
        match code {
            0 => continue,
            1 => return,
            _ => panic!("undo failed: {stdout}{stderr}"),
        }
    }
    panic!("undo still had something to undo after {most} runs");
}

/// Removes these folders and all they hold, if they are there.
pub fn remove(dirs: &[&Path]) {
    for dir in dirs {
        let _ = fs::remove_dir_all(dir);
    }
}

/// Asserts that the report root `dir` holds its original files again, and nothing else has
/// changed since `before`.
pub fn originals_restored(dir: &Path, before: &std::collections::BTreeMap<String, Node>) {
    assert_eq!(
        fs::read_to_string(dir.join("XMLDefault.cnf.xml")).unwrap(),
        REPORT_XMLDEFAULT
    );
    assert_eq!(
        fs::read_to_string(dir.join("SIPDefault.cnf")).unwrap(),
        REPORT_SIPDEFAULT
    );
    assert_eq!(
        &tree(dir),
        before,
        "the root is as it was, and nothing was left in it"
    );
}

/// `phoneup apply` of the card's stage `stage` to `dir` (no `--force`), then `extra`.
pub fn apply_card(dir: &Path, stage: &str, extra: &[&str]) -> (i32, String, String) {
    let root = dir.to_str().unwrap();
    let mut args = card("apply", &["--stage", stage, "--tftp-root", root]);
    args.extend(extra);
    run(&args)
}

/// The user's own `XMLDefault.cnf.xml`, with settings phoneup must keep.
pub const USERS_XML: &str =
    "<Default>\n  <callManagerGroup><members/></callManagerGroup>\n</Default>\n";

/// A root with the card's (stand-in) firmware and [`USERS_XML`].
pub fn card_root_with_users_xml(tag: &str) -> std::path::PathBuf {
    let firmware = firmware_for_the_card();
    let mut files: Vec<(&str, &[u8])> = firmware.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    files.push(("XMLDefault.cnf.xml", USERS_XML.as_bytes()));
    fixture(tag, &files)
}

/// A root as it is after the card's third stage, with the whole 8.11 package.
pub fn clean_root() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("OS79XX.TXT", b"P003-08-11-00\n".to_vec()),
        (
            "XMLDefault.cnf.xml",
            xml_default_cnf_xml::render("P0S3-08-11-00", Model::Both).into_bytes(),
        ),
        (
            "SIPDefault.cnf",
            b"# mine\nproxy1_address: 10.0.0.1 ; pbx\nimage_version: P0S3-08-11-00\n".to_vec(),
        ),
        ("SIP0018B9FFFFFF.cnf", b"line1_name: 100\n".to_vec()),
        ("P003-08-11-00.bin", vec![0; 100]),
        ("P003-08-11-00.sbn", vec![0; 504]),
        (
            "P0S3-08-11-00.loads",
            stand_in_loads("P0S3-08-11-00", "P003-08-11-00", "P0S3-08-11-00").into_bytes(),
        ),
        ("P0S3-08-11-00.sb2", STAND_IN_IMAGE.to_vec()),
        ("RINGLIST.DAT", b"CTU CTU.raw\n".to_vec()),
    ]
}

/// [`clean_root`] with `changes` made (`None` removes a file).
pub fn clean_root_with(changes: &[(&'static str, Option<&[u8]>)]) -> Vec<(&'static str, Vec<u8>)> {
    let mut files = clean_root();
    for (name, bytes) in changes {
        files.retain(|(n, _)| n != name);
        if let Some(bytes) = bytes {
            files.push((name, bytes.to_vec()));
        }
    }
    files
}
