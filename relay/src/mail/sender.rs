//! One tenant's sender: a tokio task that claims due emails from the tenant's
//! actor, sends them through the tenant's SMTP server, and reports each
//! outcome back to the actor, which commits it. The SMTP work never runs on
//! the actor's thread, and the actor never waits for it.
//!
//! Delivery guarantee: at least once, with one Message-ID per email. A row is
//! committed `sending` before the SMTP transaction starts and `sent` after the
//! server's `250`; a crash between the two leaves it `sending`, and the next
//! start sends it again with the same Message-ID (the only duplicates
//! possible: at most one per tenant per crash, since a tenant sends one email
//! at a time, and recognisable by that Message-ID). An email is never lost:
//! its row is committed with the cause (the reply, the request) and leaves
//! the queue only as `sent` or, after `MAX_ATTEMPTS`, `failed`.

use std::sync::Arc;
use std::time::Duration;

use natter_protocol::TenantId;
use tokio::sync::{Notify, mpsc, oneshot};

use super::MailKey;
use super::smtp::{self, SendFailure, SmtpTarget};
use crate::tenant::{Claimed, Command, MailOp, SendOutcome};

/// Emails claimed at once.
const CLAIM: usize = 20;

/// Runs until the tenant's actor stops. `wake` is notified when emails are
/// queued; `poll` bounds the wait for retries that come due.
pub async fn run(tenant: TenantId, tx: mpsc::WeakSender<Command>, key: MailKey, wake: Arc<Notify>, poll: Duration) {
    loop {
        let Some(claimed) = claim(&tx).await else { return };
        if claimed.rows.is_empty() {
            tokio::select! {
                () = wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
            }
            continue;
        }
        if send_all(&tenant, &tx, &key, claimed).await.is_none() {
            return;
        }
    }
}

/// Asks the actor for due emails; `None` once it has stopped.
async fn claim(tx: &mpsc::WeakSender<Command>) -> Option<Claimed> {
    let (reply, rx) = oneshot::channel();
    tx.upgrade()?.send(Command::Mail(MailOp::Claim { limit: CLAIM, reply })).await.ok()?;
    rx.await.ok()?.ok()
}

async fn report(tx: &mpsc::WeakSender<Command>, id: i64, outcome: SendOutcome) -> Option<()> {
    tx.upgrade()?.send(Command::Mail(MailOp::Done { id, outcome })).await.ok()
}

/// Sends the claimed emails one by one, in order.
async fn send_all(tenant: &TenantId, tx: &mpsc::WeakSender<Command>, key: &MailKey, claimed: Claimed) -> Option<()> {
    let password = match claimed.sealed_password.as_deref().map(|s| key.open(tenant, s)).transpose() {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(tenant = %tenant, error = %e, "cannot open the SMTP password; emails wait");
            for row in claimed.rows {
                report(tx, row.id, SendOutcome::NotAttempted).await?;
            }
            return Some(());
        }
    };
    let transport = smtp::transport(&SmtpTarget::new(&claimed.settings, password));
    for row in claimed.rows {
        let outcome = match &transport {
            Ok(t) => smtp::send(t, &row.envelope_from, &row.recipient, &row.raw).await,
            Err(e) => Err(SendFailure::clone(e)),
        };
        let outcome = match outcome {
            Ok(()) => SendOutcome::Sent,
            Err(failure) => SendOutcome::Failed(failure),
        };
        report(tx, row.id, outcome).await?;
    }
    Some(())
}
