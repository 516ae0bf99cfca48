//! What the view asks of the operating system: the user's language where no `LANG` says it
//! (Windows), and whether a terminal shows escape codes. Windows' calls are declared here, a few
//! lines each, rather than bringing in a crate: a student's first build stays short.

use std::io::IsTerminal;

/// The user's locale as the OS names it (`zh-CN`, `en-US`), where the OS has one apart from the
/// environment: Windows. Elsewhere `LC_ALL`, `LC_MESSAGES` and `LANG` are the locale.
pub fn locale() -> Option<String> {
    #[cfg(windows)]
    {
        windows::user_locale()
    }
    #[cfg(not(windows))]
    {
        None
    }
}

/// Whether the escape codes that rewrite a line (`\r\x1b[K`) or clear the screen can be sent to
/// stdout (`stderr: false`) or stderr: it is a terminal, and it shows them. A Windows console
/// shows them once asked to (virtual terminal processing, Windows 10 and later); an older one
/// cannot, and gets plain text. A Unix terminal with `TERM=dumb` says it shows none.
pub fn escape_codes(stderr: bool) -> bool {
    let terminal =
        if stderr { std::io::stderr().is_terminal() } else { std::io::stdout().is_terminal() };
    if !terminal {
        return false;
    }
    #[cfg(windows)]
    {
        windows::virtual_terminal(stderr)
    }
    #[cfg(not(windows))]
    {
        std::env::var_os("TERM").is_none_or(|term| term != "dumb")
    }
}

#[cfg(windows)]
mod windows {
    use std::ffi::c_void;
    use std::os::windows::io::AsRawHandle;

    // kernel32, which every Windows program links.
    #[link(name = "kernel32")]
    unsafe extern "system" {
        // https://learn.microsoft.com/windows/win32/api/winnls/nf-winnls-getuserdefaultlocalename:
        // writes the name (`zh-CN`) and its terminating 0; returns that length, or 0 on failure.
        fn GetUserDefaultLocaleName(name: *mut u16, length: i32) -> i32;
        // https://learn.microsoft.com/windows/console/getconsolemode and setconsolemode:
        // nonzero on success; fails on a handle that is not a console.
        fn GetConsoleMode(console: *mut c_void, mode: *mut u32) -> i32;
        fn SetConsoleMode(console: *mut c_void, mode: u32) -> i32;
    }

    /// LOCALE_NAME_MAX_LENGTH, in UTF-16 units with the terminating 0.
    const LOCALE_NAME_MAX_LENGTH: usize = 85;
    /// https://learn.microsoft.com/windows/console/setconsolemode: the console interprets
    /// escape sequences (Windows 10 1511 and later; older consoles refuse the flag).
    const ENABLE_VIRTUAL_TERMINAL_PROCESSING: u32 = 0x0004;

    pub fn user_locale() -> Option<String> {
        let mut name = [0u16; LOCALE_NAME_MAX_LENGTH];
        // SAFETY: the buffer is as long as the length passed; the call writes at most that.
        let written = unsafe { GetUserDefaultLocaleName(name.as_mut_ptr(), name.len() as i32) };
        let length = usize::try_from(written).ok()?.checked_sub(1)?;
        Some(String::from_utf16_lossy(name.get(..length)?))
    }

    pub fn virtual_terminal(stderr: bool) -> bool {
        let handle = if stderr {
            std::io::stderr().as_raw_handle()
        } else {
            std::io::stdout().as_raw_handle()
        };
        let mut mode = 0;
        // SAFETY: a handle of this process's own stdout or stderr, and a place for its mode.
        unsafe {
            GetConsoleMode(handle, &mut mode) != 0
                && (mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0
                    || SetConsoleMode(handle, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING) != 0)
        }
    }
}
