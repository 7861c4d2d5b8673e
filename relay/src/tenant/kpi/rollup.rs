//! The daily rollups of one local day, rebuilt from its conversations' facts:
//! `kpi_daily` (one row per agent, 0 for none) and `kpi_hourly` (one row per
//! hour). A day holds at most a few thousand conversations, so rebuilding it
//! whole is cheap and leaves nothing to drift.

use rusqlite::Connection;

use crate::store::StoreError;

pub fn rebuild_day(db: &Connection, day: i64) -> Result<(), StoreError> {
    db.prepare_cached("DELETE FROM kpi_daily WHERE day = ?1")?.execute([day])?;
    db.prepare_cached(
        "INSERT INTO kpi_daily(day, agent_id, conversations, closed, answered, missed, offline, transfers,
            frt_count, frt_sum_ms, resolution_count, resolution_sum_ms, wait_count, wait_sum_ms, fcr,
            csat_1, csat_2, csat_3, csat_4, csat_5)
         SELECT day, agent_id, count(*), sum(closed), sum(answered), sum(missed), sum(offline), sum(transfers),
            count(frt_ms), coalesce(sum(frt_ms), 0), count(resolution_ms), coalesce(sum(resolution_ms), 0),
            count(wait_ms), coalesce(sum(wait_ms), 0), sum(fcr),
            count(iif(score = 1, 1, NULL)), count(iif(score = 2, 1, NULL)), count(iif(score = 3, 1, NULL)),
            count(iif(score = 4, 1, NULL)), count(iif(score = 5, 1, NULL))
         FROM conversation_kpis WHERE day = ?1 GROUP BY agent_id",
    )?
    .execute([day])?;
    db.prepare_cached("DELETE FROM kpi_hourly WHERE day = ?1")?.execute([day])?;
    db.prepare_cached(
        "INSERT INTO kpi_hourly(day, hour, weekday, conversations)
         SELECT day, hour, min(weekday), count(*) FROM conversation_kpis WHERE day = ?1 GROUP BY hour",
    )?
    .execute([day])?;
    Ok(())
}
