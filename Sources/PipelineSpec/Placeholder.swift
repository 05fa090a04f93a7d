// PipelineSpec
