//! `shutdown_signal` registers its handlers before it returns: a SIGTERM sent
//! before the future is ever polled still resolves it, and never kills the
//! process. (Its own test binary: the signal goes to the whole process.)

#[cfg(unix)]
#[tokio::test]
async fn a_signal_before_the_first_poll_is_a_graceful_shutdown() {
    let shutdown = modelreg_server::shutdown_signal().expect("the handlers register");
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &std::process::id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success());
    tokio::time::timeout(std::time::Duration::from_secs(10), shutdown)
        .await
        .expect("the signal resolves the future");
}

#[test]
fn outside_a_runtime_it_is_an_error_not_a_panic() {
    assert!(modelreg_server::shutdown_signal().is_err());
}
