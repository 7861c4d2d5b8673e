//! Images are decoded and encoded again (the `image` crate), never served as
//! uploaded: that drops EXIF, GPS and any other metadata, and anything hidden
//! after or inside the image (a polyglot). The EXIF orientation is applied
//! before it goes. Decoding is bounded ([`MAX_SIDE`], [`MAX_PIXELS`],
//! [`MAX_ALLOC`]) against decompression bombs. Blocking and CPU-bound: run it
//! on the blocking pool, never on a runtime worker.

use std::fs::File;
use std::io::{BufReader, Cursor};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageDecoder as _, ImageFormat, ImageReader, Limits};
use natter_protocol::FileType;

/// Widest or tallest image accepted, in pixels.
pub const MAX_SIDE: u32 = 8192;
/// Most pixels in an image (40 megapixels: a large phone photo is ~12–50).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Most memory a decoder may allocate.
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// A thumbnail fits in this square.
pub const THUMB_SIDE: u32 = 320;
const JPEG_QUALITY: u8 = 85;

/// An image as stored: encoded again, with its thumbnail.
#[derive(Debug)]
pub struct Reencoded {
    pub image: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why an image was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("the image is {0}×{1} pixels; at most {MAX_SIDE} a side and {MAX_PIXELS} pixels are accepted")]
    TooLarge(u32, u32),
    #[error("the image cannot be decoded: {0}")]
    Undecodable(String),
    #[error("the image could not be encoded again: {0}")]
    Encode(String),
}

/// Decodes the image of type `kind` at `path` within the limits and encodes it
/// again in the same format (a GIF keeps its first frame), with a thumbnail.
pub fn reencode(path: &Path, kind: FileType) -> Result<Reencoded, ImageError> {
    let format = format_of(kind).ok_or_else(|| ImageError::Undecodable("not an image type".into()))?;
    let file = File::open(path).map_err(|e| ImageError::Undecodable(e.to_string()))?;
    let mut reader = ImageReader::with_format(BufReader::new(file), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let undecodable = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => ImageError::TooLarge(0, 0),
        other => ImageError::Undecodable(other.to_string()),
    };
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge(width, height));
    }
    let orientation = decoder.orientation().map_err(undecodable)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooLarge(width, height),
        other => ImageError::Undecodable(other.to_string()),
    })?;
    img.apply_orientation(orientation);
    let image = encode(&img, kind)?;
    let thumb_kind = if kind == FileType::Jpeg { FileType::Jpeg } else { FileType::Png };
    let thumb = encode(&img.thumbnail(THUMB_SIDE, THUMB_SIDE), thumb_kind)?;
    Ok(Reencoded { image, thumb, width: img.width(), height: img.height() })
}

fn format_of(kind: FileType) -> Option<ImageFormat> {
    match kind {
        FileType::Jpeg => Some(ImageFormat::Jpeg),
        FileType::Png => Some(ImageFormat::Png),
        FileType::Webp => Some(ImageFormat::WebP),
        FileType::Gif => Some(ImageFormat::Gif),
        FileType::Pdf | FileType::Text => None,
    }
}

/// Encodes `img` as `kind`, with nothing but pixels.
fn encode(img: &DynamicImage, kind: FileType) -> Result<Vec<u8>, ImageError> {
    let mut out = Cursor::new(Vec::new());
    let failed = |e: image::ImageError| ImageError::Encode(e.to_string());
    match kind {
        FileType::Jpeg => {
            // JPEG has no alpha; grey stays grey.
            let pixels = if img.color().has_color() {
                DynamicImage::ImageRgb8(img.to_rgb8())
            } else {
                DynamicImage::ImageLuma8(img.to_luma8())
            };
            pixels.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)).map_err(failed)?;
        }
        FileType::Webp => {
            DynamicImage::ImageRgba8(img.to_rgba8())
                .write_with_encoder(WebPEncoder::new_lossless(&mut out))
                .map_err(failed)?;
        }
        FileType::Png => img.write_to(&mut out, ImageFormat::Png).map_err(failed)?,
        FileType::Gif => {
            DynamicImage::ImageRgba8(img.to_rgba8()).write_to(&mut out, ImageFormat::Gif).map_err(failed)?
        }
        FileType::Pdf | FileType::Text => return Err(ImageError::Encode("not an image type".into())),
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(width, height, image::Rgba([10, 20, 30, 128])));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn every_accepted_format_comes_out_in_the_same_format_with_a_small_thumbnail() {
        let dir = tempfile::tempdir().unwrap();
        let source = DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(640, 480, image::Rgba([200, 0, 0, 255])));
        for kind in [FileType::Jpeg, FileType::Png, FileType::Webp, FileType::Gif] {
            let bytes = encode(&source, kind).unwrap();
            let path = write(dir.path(), kind.mime().replace('/', "-").as_str(), &bytes);
            let out = reencode(&path, kind).unwrap();
            assert_eq!((out.width, out.height), (640, 480));
            assert_eq!(infer::get(&out.image).map(|t| t.mime_type()), Some(kind.mime()));
            let thumb = image::load_from_memory(&out.thumb).unwrap();
            assert_eq!((thumb.width(), thumb.height()), (320, 240));
        }
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        let dir = tempfile::tempdir().unwrap();
        // A 10000×10000 PNG compresses to ~100 KB and would decode to 400 MB.
        let path = write(dir.path(), "bomb.png", &png(10_000, 10_000));
        assert!(matches!(reencode(&path, FileType::Png), Err(ImageError::TooLarge(..))));
        let path = write(dir.path(), "junk.png", b"\x89PNG\r\n\x1a\nnot really");
        assert!(matches!(reencode(&path, FileType::Png), Err(ImageError::Undecodable(_))));
    }
}
