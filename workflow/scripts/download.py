"""Download a corpus file and check its sha256 before it is used."""

import hashlib
import os
import urllib.request

from textvae.scripting import run


def main(smk):
    url, expected, out = smk.params.url, smk.params.sha256, smk.output[0]
    tmp = out + ".part"
    print(f"downloading {url}")
    urllib.request.urlretrieve(url, tmp)
    digest = hashlib.sha256(open(tmp, "rb").read()).hexdigest()
    if digest != expected:
        os.remove(tmp)
        raise ValueError(f"{url}: sha256 is {digest}, the config expects {expected}")
    os.replace(tmp, out)


if "snakemake" in globals():
    run(main, snakemake)  # noqa: F821
