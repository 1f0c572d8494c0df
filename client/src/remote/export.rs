//! The streamed export: `GET /v1/export`, written to the caller's writer as
//! it arrives, with progress counted line by line against the header's total.

use std::io::Write;

use modelreg_core::transfer::{Header, Progress};
use modelreg_core::{Error, Result};
use reqwest::Method;

use super::{Params, RemoteRegistry, errors};

impl RemoteRegistry {
    /// Writes the server's export to `out`; answers its header.
    pub(super) async fn export_to(&self, out: &mut (dyn Write + Send), progress: Progress<'_>) -> Result<Header> {
        let segments = ["v1", "export"];
        let what = self.describe(&Method::GET, &segments);
        // No bound on the whole request: an export takes as long as it takes
        // (each read is still bounded by the request timeout).
        let mut response = self.send(Method::GET, &segments, &Params::new(), None, None).await?;
        let io = |e: std::io::Error| Error::internal(format!("cannot write the export: {e}"));
        let mut first_line = Vec::new();
        let mut header: Option<Header> = None;
        let (mut written, mut total) = (0_u64, 0_u64);
        while let Some(chunk) = response.chunk().await.map_err(|e| errors::from_transport(e, &what))? {
            out.write_all(&chunk).map_err(io)?;
            let mut rest: &[u8] = &chunk;
            if header.is_none() {
                match rest.iter().position(|b| *b == b'\n') {
                    Some(end) => {
                        first_line.extend_from_slice(&rest[..end]);
                        let read: Header = serde_json::from_slice(&first_line).map_err(|e| {
                            Error::internal(format!("{what}: the export does not start with a header: {e}"))
                        })?;
                        total = read.total();
                        header = Some(read);
                        rest = &rest[end + 1..];
                    }
                    None => {
                        first_line.extend_from_slice(rest);
                        continue;
                    }
                }
            }
            for _ in rest.iter().filter(|b| **b == b'\n') {
                written += 1;
                progress(written, total);
            }
        }
        out.flush().map_err(io)?;
        let header = header.ok_or_else(|| Error::internal(format!("{what}: the export ended before its header")))?;
        if written != total {
            return Err(Error::unavailable(format!(
                "{what}: the export was cut short after {written} of {total} records"
            )));
        }
        Ok(header)
    }
}
