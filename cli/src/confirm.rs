//! Asking before destroying data.

use std::io::{BufRead, IsTerminal, Write};

use clap::Args;
use modelreg_core::{Error, Result};

/// Skips the confirmation prompt.
#[derive(Debug, Args, Clone, Copy)]
pub struct YesArg {
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// Asks `question`; `--yes` skips it, and without a terminal it is required.
pub fn confirm(question: &str, yes: YesArg) -> Result<()> {
    if yes.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::invalid(
            "yes",
            format!("{question}: confirm with --yes (no terminal to ask on)"),
        ));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::invalid("yes", format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Error::invalid("yes", "not confirmed; nothing was changed"))
    }
}
