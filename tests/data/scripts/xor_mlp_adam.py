"""An nn.Module MLP learns XOR with Adam and cross-entropy."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 4)
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        h = self.fc1(x)
        a = F.relu(h)
        return self.fc2(a)


x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
y = torch.tensor([0, 1, 1, 0])
model = MLP()
with torch.no_grad():  # fixed starting weights, so every run (and PyTorch) starts alike
    model.fc1.weight.copy_(torch.tensor([[0.5, -0.4], [0.3, 0.8], [-0.7, 0.6], [0.2, -0.9]]))
    model.fc1.bias.copy_(torch.tensor([0.1, -0.1, 0.05, 0.0]))
    model.fc2.weight.copy_(torch.tensor([[0.3, -0.6, 0.5, 0.2], [-0.4, 0.7, -0.3, 0.6]]))
    model.fc2.bias.zero_()
optimizer = torch.optim.Adam(model.parameters(), lr=0.05)

for epoch in range(150):
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(logits.argmax(dim=1))
