//! `modelreg completions`: a shell completion script.

use clap::{Args, CommandFactory};

use crate::Cli;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    shell: clap_complete::Shell,
}

pub fn run(args: CompletionsArgs) {
    clap_complete::generate(args.shell, &mut Cli::command(), "modelreg", &mut std::io::stdout());
}
