//! SIGINT and SIGTERM, caught with `libc::sigaction` (no signal crate) by the commands that run
//! until they are stopped (`serve`, `diagnose --follow`): the handler only notes the signal;
//! the command sees it at its next look, stops, says what it has and exits by its answer.
//!
//! May use: nothing of the crate.

use std::sync::atomic::{AtomicBool, Ordering};

static RECEIVED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    RECEIVED.store(true, Ordering::SeqCst);
}

/// From now on SIGINT and SIGTERM are noted, not fatal. A blocking call they interrupt returns
/// `EINTR` (no `SA_RESTART`).
pub(crate) fn catch() {
    for signal in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Whether SIGINT or SIGTERM came since [`catch`].
pub(crate) fn received() -> bool {
    RECEIVED.load(Ordering::SeqCst)
}
