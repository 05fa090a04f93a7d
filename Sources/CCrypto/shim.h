#ifndef PIPELINE_CCRYPTO_SHIM_H
#define PIPELINE_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/sha.h>
#endif
