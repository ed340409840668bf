//! Passwords: Argon2id hashes (the `argon2` crate's defaults, OWASP's
//! recommended 19 MiB, two passes), and the rules for a new one: 12 to 128
//! characters, no composition rules, refused when the zxcvbn estimator
//! scores it below 3 or finds it on its list of the 30,000 most common
//! passwords, or when it contains the login or the hospital's name.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use zxcvbn::feedback::Warning;

use super::AccountError;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    ContainsLogin,
    ContainsHospitalName,
    /// On the list of commonly used passwords.
    Common,
    /// The strength estimator finds it easy to guess, and why.
    Weak(WeakBecause),
}

/// What makes a password easy to guess, as the estimator found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakBecause {
    KeyboardPattern,
    Repeats,
    Sequence,
    DatesOrYears,
    CommonWords,
    Names,
    Short,
}

/// The shortest password accepted…
pub const MIN_PASSWORD_CHARS: usize = 12;
/// …and the longest (a passphrase fits; a megabyte does not reach Argon2).
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Whether `password` may become the password of `login`, at the hospital
/// called `hospital`; the first reason against it otherwise.
pub fn check_new_password(
    password: &str,
    login: &str,
    hospital: &str,
) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let folded = fold(password);
    let login = fold(login);
    if login.chars().count() >= 3 && folded.contains(&login) {
        return Err(PasswordProblem::ContainsLogin);
    }
    if hospital_words(hospital).any(|word| folded.contains(&word)) {
        return Err(PasswordProblem::ContainsHospitalName);
    }
    let words: Vec<String> = hospital_words(hospital).chain([login]).collect();
    let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
    let estimate = zxcvbn::zxcvbn(password, &inputs);
    if estimate.score() >= zxcvbn::Score::Three {
        return Ok(());
    }
    let warning = estimate
        .feedback()
        .and_then(zxcvbn::feedback::Feedback::warning);
    Err(match warning {
        Some(
            Warning::ThisIsATop10Password
            | Warning::ThisIsATop100Password
            | Warning::ThisIsACommonPassword
            | Warning::ThisIsSimilarToACommonlyUsedPassword,
        ) => PasswordProblem::Common,
        Some(
            Warning::StraightRowsOfKeysAreEasyToGuess
            | Warning::ShortKeyboardPatternsAreEasyToGuess,
        ) => PasswordProblem::Weak(WeakBecause::KeyboardPattern),
        Some(
            Warning::RepeatsLikeAaaAreEasyToGuess
            | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess,
        ) => PasswordProblem::Weak(WeakBecause::Repeats),
        Some(Warning::SequencesLikeAbcAreEasyToGuess) => {
            PasswordProblem::Weak(WeakBecause::Sequence)
        }
        Some(Warning::RecentYearsAreEasyToGuess | Warning::DatesAreOftenEasyToGuess) => {
            PasswordProblem::Weak(WeakBecause::DatesOrYears)
        }
        Some(Warning::AWordByItselfIsEasyToGuess) => {
            PasswordProblem::Weak(WeakBecause::CommonWords)
        }
        Some(
            Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
            | Warning::CommonNamesAndSurnamesAreEasyToGuess,
        ) => PasswordProblem::Weak(WeakBecause::Names),
        None => PasswordProblem::Weak(WeakBecause::Short),
    })
}

/// Lower case, letters and digits only: "Sato-1" and "sato1" are the same
/// word to a guesser.
fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The hospital's name whole and each of its words of four letters or
/// more, folded.
fn hospital_words(hospital: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(fold(hospital))
        .chain(hospital.split_whitespace().map(fold))
        .filter(|word| word.chars().count() >= 4)
}

/// An Argon2id hash of `password` in the PHC string format (the rules are
/// checked by the caller, with the login they are for).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| AccountError::Hash(error.to_string()))
}

/// Whether `password` gives `hash` (a PHC string, with the algorithm,
/// version, parameters and salt it names), compared in constant time.
///
/// The crate's `PasswordVerifier` does the same but allocates Argon2's
/// 19 MiB afresh for each check; here the hashing thread keeps it for the
/// next one ([`with_thread_memory`]). Verifying is what anyone can make the
/// service do by posting the sign-in page, so its memory must not depend on
/// what the allocator chose to keep: before, the flood probe's peak moved
/// in steps of 19 MiB from one run to the next.
pub(super) fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let version = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from);
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        version,
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let mut salt_bytes = [0_u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut computed = vec![0_u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params);
    with_thread_memory(argon.params().block_count(), |blocks| {
        argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut computed, blocks)
    })
    .is_ok()
        // `Output`'s equality is the constant-time one.
        && Output::new(&computed).is_ok_and(|computed| computed == expected)
}

/// Runs `work` with `count` Argon2 blocks of this thread's own, kept from
/// one call to the next (the service's hashing threads are few and fixed).
/// Argon2 writes every block before reading it, so what a previous hash
/// left there is never read.
fn with_thread_memory<T>(count: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    thread_local! {
        static BLOCKS: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BLOCKS.with_borrow_mut(|blocks| {
        if blocks.len() < count {
            blocks.resize(count, Block::default());
        }
        work(&mut blocks[..count])
    })
}

/// Argon2 hashes computed at once: one per core, four at most. Each takes 19 MiB and
/// tens of milliseconds of CPU on purpose; unbounded, a flood of sign-ins
/// would take the memory of the machine (tokio's blocking pool grows to
/// 512 threads).
fn hashing() -> &'static tokio::sync::Semaphore {
    static HASHING: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    HASHING.get_or_init(|| tokio::sync::Semaphore::new(hashing_threads()))
}

/// Runs `work` (an Argon2 hash) on one of the service's hashing threads,
/// as many as the permits, each keeping its Argon2 memory for the next hash
/// ([`with_thread_memory`]), instead of whichever thread of tokio's blocking
/// pool is free.
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, tokio::sync::oneshot::error::RecvError> {
    type Job = Box<dyn FnOnce() + Send>;
    static THREADS: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<Job>>> =
        std::sync::OnceLock::new();
    let jobs = THREADS.get_or_init(|| {
        let (send, receive) = std::sync::mpsc::channel::<Job>();
        let receive = std::sync::Arc::new(std::sync::Mutex::new(receive));
        for n in 0..hashing_threads() {
            let receive = std::sync::Arc::clone(&receive);
            let _ = std::thread::Builder::new()
                .name(format!("hashing-{n}"))
                .spawn(move || {
                    loop {
                        let job = receive
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
        }
        std::sync::Mutex::new(send)
    });
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    let _ = jobs
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .send(job);
    result.await
}

/// One per core, and four at most: a large server gains nothing from more
/// sign-ins hashed at once, and each takes 19 MiB.
fn hashing_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(2, std::num::NonZero::get)
        .min(4)
}

/// Every hashing permit is taken: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// Checks `password` against `hash` (or, with none, against a decoy, so an
/// unknown login takes as long as a wrong password) off the async workers,
/// if a hashing permit is free now; [`Busy`] at once otherwise (the
/// sign-in page, which anyone can post to, never queues for one).
pub(super) async fn verify_if_free(password: &str, hash: Option<String>) -> Result<bool, Busy> {
    let permit = hashing().try_acquire().map_err(|_| Busy)?;
    let matches = verify(password, hash).await;
    drop(permit);
    Ok(matches)
}

/// As [`verify_if_free`], waiting for a permit (for a signed-in member).
pub(super) async fn verify_off_thread(password: &str, hash: Option<String>) -> bool {
    let Ok(_permit) = hashing().acquire().await else {
        return false;
    };
    verify(password, hash).await
}

async fn verify(password: &str, hash: Option<String>) -> bool {
    let known = hash.is_some();
    let password = password.to_owned();
    let matches = on_hashing_thread(move || {
        verify_password(&password, hash.as_deref().unwrap_or_else(|| decoy_hash()))
    })
    .await
    .unwrap_or(false);
    known && matches
}

/// [`hash_password`] off the async workers, with a hashing permit.
pub(super) async fn hash_off_thread(password: &str) -> Result<String, AccountError> {
    let _permit = hashing()
        .acquire()
        .await
        .map_err(|error| AccountError::Hash(error.to_string()))?;
    let password = password.to_owned();
    on_hashing_thread(move || hash_password(&password))
        .await
        .map_err(|error| AccountError::Hash(error.to_string()))?
}

/// A hash to verify against when the login is unknown.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSPITAL: &str = "Kita University Hospital";

    #[test]
    fn passwords_are_argon2id() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterz", &hash));
    }

    #[test]
    fn the_verifier_with_kept_memory_agrees_with_the_crates_for_any_stored_parameters() {
        use argon2::password_hash::PasswordVerifier;
        // Hashes as another version of the service, or the crate's other
        // algorithms, would have stored them; checked one after another on
        // one thread, so the kept memory is reused at every size.
        let salt = SaltString::generate(&mut OsRng);
        for (algorithm, memory, passes, lanes) in [
            (Algorithm::Argon2id, 19_456, 2, 1),
            (Algorithm::Argon2id, 8, 1, 1),
            (Algorithm::Argon2i, 4_096, 3, 2),
            (Algorithm::Argon2d, 32_768, 1, 4),
            (Algorithm::Argon2id, 1_024, 2, 1),
        ] {
            let params = Params::new(memory, passes, lanes, Some(24)).expect("params");
            let argon = Argon2::new(algorithm, Version::V0x13, params);
            let hash = argon
                .hash_password(b"correct horse battery", &salt)
                .expect("hash")
                .to_string();
            let parsed = PasswordHash::new(&hash).expect("parsed");
            assert!(
                argon
                    .verify_password(b"correct horse battery", &parsed)
                    .is_ok()
            );
            assert!(verify_password("correct horse battery", &hash), "{hash}");
            assert!(!verify_password("correct horse batterz", &hash), "{hash}");
        }
        for broken in [
            "",
            "$argon2id$",
            "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ",
            "$md5$x",
        ] {
            assert!(
                !verify_password("correct horse battery", broken),
                "{broken}"
            );
        }
    }

    #[test]
    fn a_new_password_has_12_to_128_characters_and_no_composition_rules() {
        assert_eq!(
            check_new_password("kumo ga nagareru", "sato", HOSPITAL),
            Ok(()),
            "lower-case words alone are fine"
        );
        assert_eq!(
            check_new_password("short pass", "sato", HOSPITAL),
            Err(PasswordProblem::TooShort)
        );
        let long = "tsuki ".repeat(22);
        assert_eq!(
            check_new_password(&long, "sato", HOSPITAL),
            Err(PasswordProblem::TooLong)
        );
        // Twelve characters counted as characters, not bytes.
        assert_ne!(
            check_new_password("雲が流れる空の下で海を見る", "sato", HOSPITAL),
            Err(PasswordProblem::TooShort)
        );
    }

    #[test]
    fn common_weak_or_personal_passwords_are_refused_with_the_reason() {
        let refused = |password| check_new_password(password, "sato.hanako", HOSPITAL);
        assert_eq!(refused("password1234"), Err(PasswordProblem::Common));
        assert_eq!(
            refused("zxcvbnm,./asdf"),
            Err(PasswordProblem::Weak(WeakBecause::KeyboardPattern))
        );
        assert_eq!(
            refused("aaaaaaaaaaaaaa"),
            Err(PasswordProblem::Weak(WeakBecause::Repeats))
        );
        assert_eq!(
            refused("abcdefghijklmn"),
            Err(PasswordProblem::Weak(WeakBecause::Sequence))
        );
        assert_eq!(
            refused("Sato.Hanako-river"),
            Err(PasswordProblem::ContainsLogin)
        );
        assert_eq!(
            refused("my kita hospital pass"),
            Err(PasswordProblem::ContainsHospitalName)
        );
        assert_eq!(
            refused("KitaUniversityHospital!"),
            Err(PasswordProblem::ContainsHospitalName)
        );
    }
}
