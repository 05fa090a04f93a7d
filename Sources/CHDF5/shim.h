#ifndef PIPELINE_CHDF5_SHIM_H
#define PIPELINE_CHDF5_SHIM_H
#include <hdf5.h>
#endif
