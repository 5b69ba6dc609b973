//! QR codes of link URLs as small `data:image/png;base64,...` strings (Cashfree `link_qrcode`).

use base64::Engine as _;
use qrcode::{Color, QrCode};

/// Pixels per QR module.
const SCALE: usize = 4;
/// Light modules around the code (the quiet zone the QR standard asks for).
const QUIET: usize = 4;

/// The QR code of `text` as a 1-bit grayscale PNG data URL; `None` if `text` is too long for
/// a QR code.
pub(crate) fn data_url(text: &str) -> Option<String> {
    let png = png_bytes(text)?;
    Some(format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png)))
}

fn png_bytes(text: &str) -> Option<Vec<u8>> {
    let code = QrCode::new(text.as_bytes()).ok()?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let row_bytes = side.div_ceil(8);
    let mut pixels = vec![0u8; row_bytes * side];
    for y in 0..side {
        for x in 0..side {
            let (mx, my) = ((x / SCALE).checked_sub(QUIET), (y / SCALE).checked_sub(QUIET));
            let dark = match (mx, my) {
                (Some(mx), Some(my)) if mx < modules && my < modules => colors[my * modules + mx] == Color::Dark,
                _ => false,
            };
            if !dark {
                pixels[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    let side = u32::try_from(side).ok()?;
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        let mut writer = encoder.write_header().ok()?;
        writer.write_image_data(&pixels).ok()?;
        writer.finish().ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_png() {
        let url = data_url("https://payments-test.cashfree.com/links/o1tf1nvcvjhg").unwrap();
        let encoded = url.strip_prefix("data:image/png;base64,").unwrap();
        let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert!(bytes.len() < 2048, "{} bytes", bytes.len());
    }
}
