//! A process a test starts, ended with the test whether it passes or fails: on drop the child's
//! process group (it gets one of its own) and a process whose pid it wrote to a file (a server
//! started inside `script`'s session, which leaves the group) are killed, and the child reaped.

use std::path::PathBuf;
use std::process::{Child, Command, Output};

pub struct Reaped {
    child: Option<Child>,
    pid_file: Option<PathBuf>,
}

impl Reaped {
    /// Starts `command` in a process group of its own.
    pub fn spawn(command: &mut Command) -> Reaped {
        use std::os::unix::process::CommandExt;
        let child = command
            .process_group(0)
            .spawn()
            .expect("the test's process starts");
        Reaped {
            child: Some(child),
            pid_file: None,
        }
    }

    /// Also kills, when dropped, the process whose pid the child writes to `path`.
    pub fn with_pid_file(mut self, path: PathBuf) -> Reaped {
        self.pid_file = Some(path);
        self
    }

    pub fn id(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Waits for the child to end (the test has told it to) and takes its output.
    pub fn wait_with_output(mut self) -> Output {
        let child = self.child.take().expect("not waited for yet");
        child.wait_with_output().expect("the child is reaped")
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        let pid = self.pid_file.as_ref().and_then(|f| {
            let text = std::fs::read_to_string(f).ok()?;
            text.trim().parse::<libc::pid_t>().ok()
        });
        if let Some(pid) = pid.filter(|p| *p > 0) {
            // SAFETY: a plain kill(2) of the process the test's child started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(group) = libc::pid_t::try_from(child.id()) {
            // SAFETY: a plain kill(2) of the process group this test made for its child.
            unsafe { libc::kill(-group, libc::SIGKILL) };
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Whether a process with `pid` is still there (not yet reaped counts: a zombie is gone).
fn alive(pid: libc::pid_t) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !status.is_empty() && !status.contains(") Z ")
}

#[test]
fn a_dropped_guard_ends_the_child_its_group_and_the_process_named_in_its_pid_file() {
    let dir = super::bench::scratch("reap");
    let (grouped, named) = (dir.join("grouped"), dir.join("named"));
    let script = format!(
        "sleep 60 & echo $! > {}; setsid sleep 60 & echo $! > {}; wait",
        grouped.display(),
        named.display()
    );
    let guard =
        Reaped::spawn(Command::new("sh").args(["-c", &script])).with_pid_file(named.clone());
    let read = |path: &PathBuf| -> libc::pid_t {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            if let Ok(pid) = std::fs::read_to_string(path)
                .unwrap_or_default()
                .trim()
                .parse()
            {
                return pid;
            }
            assert!(
                std::time::Instant::now() < until,
                "{} never written",
                path.display()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    let (in_group, in_file, shell) = (read(&grouped), read(&named), guard.id());
    assert!(alive(in_group) && alive(in_file));
    drop(guard);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let shell = libc::pid_t::try_from(shell).unwrap();
    assert!(!alive(shell) && !alive(in_group) && !alive(in_file));
}
