//! Asking before destroying data.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;

use crate::failure::Failure;

/// Skips the confirmation prompt.
#[derive(Debug, Args, Clone, Copy)]
pub struct YesArg {
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// Asks `question` before doing `action` (a phrase: "delete team research");
/// `--yes` skips it, and without a terminal it is required.
pub fn confirm(action: &str, question: &str, yes: YesArg) -> Result<(), Failure> {
    if yes.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::NotConfirmed(format!(
            "refusing to {action} without --yes (no terminal to ask on)"
        )));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let read = std::io::stdin().lock().read_line(&mut answer);
    match (read, answer.trim()) {
        (Ok(_), "y" | "Y" | "yes") => Ok(()),
        (Ok(_), _) => Err(Failure::NotConfirmed("not confirmed; nothing was changed".to_owned())),
        (Err(e), _) => Err(Failure::NotConfirmed(format!(
            "cannot read the answer ({e}); nothing was changed"
        ))),
    }
}
