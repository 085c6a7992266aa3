//! moto server harness
