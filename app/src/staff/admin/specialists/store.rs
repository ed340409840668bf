//! The specialists page's changes (server only); each answers how many
//! rows it touched (none: the values cannot be used).

use sqlx::AnyPool;

/// A specialist of an active department.
pub async fn add_specialist(
    pool: &AnyPool,
    name: &str,
    department: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO specialists (name, department) \
         SELECT $1, code FROM departments WHERE code = $2 AND active = TRUE",
    )
    .bind(name)
    .bind(department)
    .execute(pool)
    .await?
    .rows_affected())
}

pub async fn rename_specialist(pool: &AnyPool, id: i64, name: &str) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE specialists SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// Turns a specialist on (they can be assigned) or off.
pub async fn set_specialist_active(
    pool: &AnyPool,
    id: i64,
    active: bool,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE specialists SET active = $1 WHERE id = $2")
            .bind(active)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// A new department; none when the code exists.
pub async fn add_department(
    pool: &AnyPool,
    code: &str,
    name_ja: &str,
    name_en: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO departments (code, name_ja, name_en, position) \
         SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1 FROM departments \
         WHERE TRUE ON CONFLICT (code) DO NOTHING",
    )
    .bind(code)
    .bind(name_ja)
    .bind(name_en)
    .execute(pool)
    .await?
    .rows_affected())
}

pub async fn toggle_department(pool: &AnyPool, code: &str) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE departments SET active = NOT active WHERE code = $1")
            .bind(code)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
