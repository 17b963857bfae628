//! A small deterministic random number generator (SplitMix64), so a seed always gives the
//! same tenant, the same request ids and the same injected faults.

#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A version-4-shaped GUID.
    pub fn guid(&mut self) -> crate::Guid {
        let value = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        let value = (value & !(0xF << 76)) | (0x4 << 76);
        let value = (value & !(0x3 << 62)) | (0x2 << 62);
        crate::Guid::from_u128(value)
    }
}
