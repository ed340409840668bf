//! The specialists page's changes (server only); each answers how many
//! rows it touched (none: the values cannot be used).

use sqlx::SqlitePool;

/// A specialist of an active department.
pub async fn add_specialist(
    pool: &SqlitePool,
    name: &str,
    department: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO specialists (name, department) \
         SELECT ?, code FROM departments WHERE code = ? AND active = 1",
    )
    .bind(name)
    .bind(department)
    .execute(pool)
    .await?
    .rows_affected())
}

pub async fn rename_specialist(pool: &SqlitePool, id: i64, name: &str) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE specialists SET name = ? WHERE id = ?")
        .bind(name)
        .bind(id)
        .execute(pool)
        .await?
        .rows_affected())
}

/// Turns a specialist on (they can be assigned) or off.
pub async fn set_specialist_active(
    pool: &SqlitePool,
    id: i64,
    active: bool,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE specialists SET active = ? WHERE id = ?")
            .bind(active)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// A new department; none when the code exists.
pub async fn add_department(
    pool: &SqlitePool,
    code: &str,
    name_ja: &str,
    name_en: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO departments (code, name_ja, name_en) VALUES (?, ?, ?) \
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(code)
    .bind(name_ja)
    .bind(name_en)
    .execute(pool)
    .await?
    .rows_affected())
}

pub async fn toggle_department(pool: &SqlitePool, code: &str) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE departments SET active = 1 - active WHERE code = ?")
            .bind(code)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
