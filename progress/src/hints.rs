//! How many hints of each exercise the student has seen: `cargo run -- hint N` shows one more
//! each time, the progress view shows those seen so far. Kept under the target dir
//! (`target/net-basics-progress/hints-exNN_….txt`, one number each): not in the student's files,
//! and gone with `cargo clean`, which starts the hints over.

use std::path::{Path, PathBuf};

pub struct Seen {
    folder: PathBuf,
}

impl Seen {
    /// The store of the crate at `project`: under `$CARGO_TARGET_DIR` when it is set (relative
    /// to the current folder, as cargo reads it), else under the crate's `target/`.
    pub fn new(project: &Path, target_dir: Option<PathBuf>) -> Seen {
        let target = match target_dir {
            Some(dir) => std::env::current_dir().unwrap_or_default().join(dir),
            None => project.join("target"),
        };
        Seen { folder: target.join("net-basics-progress") }
    }

    fn file(&self, stem: &str) -> PathBuf {
        self.folder.join(format!("hints-{stem}.txt"))
    }

    /// How many hints of `stem` were shown: 0 when none (or when the store cannot be read).
    pub fn count(&self, stem: &str) -> usize {
        let text = std::fs::read_to_string(self.file(stem)).unwrap_or_default();
        text.trim().parse().unwrap_or(0)
    }

    /// Remembers that `count` hints of `stem` were shown. A store that cannot be written only
    /// forgets: the hints are shown all the same.
    pub fn remember(&self, stem: &str, count: usize) {
        if self.count(stem) != count {
            let _ = std::fs::create_dir_all(&self.folder);
            let _ = std::fs::write(self.file(stem), format!("{count}\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_kept_per_exercise_under_the_target_dir() {
        let project = std::env::temp_dir().join(format!("net-basics-hints-{}", std::process::id()));
        let seen = Seen::new(Path::new("/nowhere"), Some(project.join("elsewhere")));
        assert_eq!(seen.count("ex02_x"), 0, "nothing seen yet");
        seen.remember("ex02_x", 2);
        seen.remember("ex03_y", 1);
        assert_eq!((seen.count("ex02_x"), seen.count("ex03_y")), (2, 1));
        let file = project.join("elsewhere/net-basics-progress/hints-ex02_x.txt");
        assert_eq!(std::fs::read_to_string(file).unwrap(), "2\n", "under CARGO_TARGET_DIR");
        let relative = Seen::new(Path::new("/nowhere"), Some("t".into()));
        let here = std::env::current_dir().unwrap();
        assert_eq!(relative.folder, here.join("t/net-basics-progress"), "relative to the folder");
        assert_eq!(Seen::new(&project, None).folder, project.join("target/net-basics-progress"));
        let _ = std::fs::remove_dir_all(&project);
    }
}
