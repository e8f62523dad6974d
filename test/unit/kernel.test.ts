import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { kernelModel, KernelVersionError } from "../../server/src/core/kexec/kernel";

describe("kernel eras", () => {
  const era = (v: string) => kernelModel(v).era;

  it("maps mainline releases to the entry rule they ship", () => {
    assert.equal(era("3.17"), "E0");
    assert.equal(era("4.9"), "E0");
    assert.equal(era("4.16"), "E0");
    assert.equal(era("4.17"), "E1");
    assert.equal(era("5.10"), "E1");
    assert.equal(era("6.3"), "E1");
    assert.equal(era("6.4"), "E2");
    assert.equal(era("6.8"), "E2");
    assert.equal(era("6.19"), "E2");
    assert.equal(era("7.0"), "E3");
    assert.equal(era("7.2"), "E3");
  });

  it("follows the stable backports recorded in Debian's changelogs", () => {
    assert.equal(era("6.1.34"), "E1");
    assert.equal(era("6.1.35"), "E2");
    assert.equal(era("6.1.164"), "E2");
    assert.equal(era("6.1.165"), "E3");
    assert.equal(era("6.1.176"), "E3");
    assert.equal(era("6.3.8"), "E1");
    assert.equal(era("6.3.9"), "E2");
    assert.equal(era("6.12.74"), "E2");
    assert.equal(era("6.12.75"), "E3");
    assert.equal(era("6.12.107"), "E3");
  });

  it("accepts the usual spellings", () => {
    assert.equal(kernelModel("v6.8.6").label, "6.8.6");
    assert.equal(kernelModel("6.9-rc4").era, "E2");
    assert.equal(kernelModel("6.8.0-45-generic").label, "6.8.0");
    assert.equal(kernelModel().label, "7.2");
  });

  it("models PLT32 support, the digest symbol names and the placement fixes", () => {
    assert.equal(kernelModel("4.15").x86Plt32, false);
    assert.equal(kernelModel("4.16").x86Plt32, true);
    assert.equal(kernelModel("4.9").shaRegionsSymbol, "sha_regions");
    assert.equal(kernelModel("4.13").shaRegionsSymbol, "purgatory_sha_regions");
    assert.equal(kernelModel("6.1.192").topDownWalk, false);
    assert.equal(kernelModel("6.12").topDownWalk, true);
    assert.equal(kernelModel("6.19").warnFormat, "6.19");
    assert.equal(kernelModel("6.8").warnLine, 936);
  });

  it("rejects versions without kexec_file_load and non-versions", () => {
    assert.throws(() => kernelModel("3.16"), KernelVersionError);
    assert.throws(() => kernelModel("latest"), KernelVersionError);
    assert.throws(() => kernelModel(""), KernelVersionError);
  });
});
