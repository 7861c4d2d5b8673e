//! Upload query parameters: the file name, percent-decoded and checked. Pure.
//!
//! A name is only ever shown and put in `Content-Disposition`; it never names a
//! file on disk (blobs are named by their SHA-256). It is refused all the same
//! when it looks like a path or carries control characters, so nobody downstream
//! (a browser's save dialog, an agent's download folder) is handed one.

use natter_protocol::MAX_FILE_NAME_BYTES;

/// The parameters of `POST /v1/uploads`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UploadQuery {
    pub tenant: Option<String>,
    /// Raw (still percent-encoded); see [`file_name`].
    pub name: Option<String>,
}

/// Splits a raw query string; unknown parameters are ignored.
pub fn upload_query(raw: Option<&str>) -> UploadQuery {
    let mut q = UploadQuery::default();
    for pair in raw.unwrap_or_default().split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "tenant" => q.tenant = Some(value.to_owned()),
            "name" => q.name = Some(value.to_owned()),
            _ => {}
        }
    }
    q
}

/// The decoded, checked file name; `Err` says why in words for the client.
pub fn file_name(raw: Option<&str>) -> Result<String, &'static str> {
    let raw = raw.ok_or("give the file's name as ?name=")?;
    let plus_as_space = raw.replace('+', " ");
    let decoded = percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8()
        .map_err(|_| "the name is not UTF-8 once percent-decoded")?;
    check(&decoded)?;
    Ok(decoded.into_owned())
}

fn check(name: &str) -> Result<(), &'static str> {
    if name.trim().is_empty() {
        return Err("the name is empty");
    }
    if name.len() > MAX_FILE_NAME_BYTES {
        return Err("the name is over 255 bytes");
    }
    if name.contains(['/', '\\']) {
        return Err("the name must not contain '/' or '\\' (no paths)");
    }
    if name == "." || name == ".." {
        return Err("the name must not be '.' or '..'");
    }
    if name.chars().any(char::is_control) {
        return Err("the name must not contain control characters");
    }
    if name != name.trim() {
        return Err("the name must not start or end with spaces");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_decoded_and_checked() {
        assert_eq!(file_name(Some("r%C3%A9sum%C3%A9.pdf")), Ok("résumé.pdf".into()));
        assert_eq!(file_name(Some("my+photo.jpg")), Ok("my photo.jpg".into()));
        assert_eq!(file_name(Some("%E0%B8%A3%E0%B8%B9%E0%B8%9B.png")), Ok("รูป.png".into()));
        for bad in [
            None,
            Some(""),
            Some("%20"),
            Some("..%2F..%2Fetc%2Fpasswd"),
            Some("..%5Cwin.ini"),
            Some(".."),
            Some("a%00b.txt"),
            Some("a%0Ab.txt"),
            Some("a%C2%85b.txt"),
            Some("%FF%FE.txt"),
            Some("x%20"),
        ] {
            assert!(file_name(bad).is_err(), "{bad:?}");
        }
        assert!(file_name(Some(&"a".repeat(256))).is_err());
        assert!(file_name(Some(&"a".repeat(255))).is_ok());
    }

    #[test]
    fn the_query_is_split_without_decoding() {
        let q = upload_query(Some("tenant=acme&name=a%26b.txt&x=1"));
        assert_eq!(q.tenant.as_deref(), Some("acme"));
        assert_eq!(file_name(q.name.as_deref()), Ok("a&b.txt".into()));
    }
}
