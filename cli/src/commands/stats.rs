//! `modelreg stats` and `modelreg seed`: how much the registry holds, and
//! filling an empty one with the sample.

use modelreg_core::Result;

use crate::output::{OutputFormat, line};
use crate::sample;
use crate::session::Ctx;

/// Counts every kind of entity.
pub async fn stats(ctx: &Ctx) -> Result<()> {
    ctx.out.record(&ctx.reg.stats().await?)
}

/// Fills an empty registry with the sample, then counts it.
pub async fn seed(ctx: &Ctx) -> Result<()> {
    sample::seed(ctx.reg.as_ref()).await?;
    let stats = ctx.reg.stats().await?;
    if ctx.out.format == OutputFormat::Table {
        line("seeded a sample registry:")?;
    }
    ctx.out.record(&stats)
}
