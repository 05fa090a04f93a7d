// PipelinePlan
